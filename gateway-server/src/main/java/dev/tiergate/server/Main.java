package dev.tiergate.server;

import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ServerConfig;
import dev.tiergate.server.config.ConfigException;
import dev.tiergate.server.config.ConfigLoader;
import dev.tiergate.server.config.ConfigSource;
import dev.tiergate.server.fatal.ExitOnOutOfMemory;
import io.netty.util.ResourceLeakDetector;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

/**
 * {@code java -jar tiergate.jar [--config DIR] [--port N] [--management-port N|off]}. Without
 * {@code --config} the default config bundled in the jar is used; {@code --port} and
 * {@code --management-port} win over the config's {@code server.port} and {@code server.management-port}.
 * With {@code --config}, changes to the folder's files and SIGHUP reload the config.
 */
public final class Main {
    static final String LEAK_LEVEL_PROPERTY = "io.netty.leakDetection.level";
    static final String NO_UNSAFE_PROPERTY = "io.netty.noUnsafe";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        // before any Netty class reads it
        nettyNoUnsafe(System.getProperty(NO_UNSAFE_PROPERTY)).ifPresent(v -> System.setProperty(NO_UNSAFE_PROPERTY, v));
        productionLeakLevel(System.getProperty(LEAK_LEVEL_PROPERTY)).ifPresent(ResourceLeakDetector::setLevel);
        // An OutOfMemoryError on any thread ends the process (one log line, status 3), so that it is restarted.
        ExitOnOutOfMemory fatal = ExitOnOutOfMemory.halting();
        Thread.setDefaultUncaughtExceptionHandler(fatal);
        CommandLine cli;
        try {
            cli = CommandLine.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("tiergate: " + e.getMessage());
            System.err.println(CommandLine.USAGE);
            System.exit(2);
            return;
        }
        if (cli.help()) {
            System.out.println(CommandLine.USAGE);
            return;
        }
        if (cli.version()) {
            System.out.println("tiergate " + version());
            return;
        }
        if (cli.checkConfig()) {
            System.exit(checkConfig(cli, ConfigLoader.withSystemEnv(), System.out, System.err));
            return;
        }
        UnaryOperator<GatewayConfig> adjust = cli::applyTo;
        GatewayConfig config;
        try {
            config = adjust.apply(ConfigLoader.withSystemEnv().load(source(cli)));
        } catch (ConfigException e) {
            System.err.println("tiergate: " + e.getMessage());
            System.exit(2);
            return;
        }
        ReloadSource reload = cli.configDir() == null ? null
                : ReloadSource.of(Path.of(cli.configDir()), ConfigLoader.withSystemEnv(), adjust);
        Gateway gateway = Gateway.start(config, Clock.systemUTC(), reload, fatal);
        if (reload != null) {
            gateway.reloadOnHangup();
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "tiergate-shutdown"));
        stopped.await();
    }

    /**
     * Netty's leak detector by default tracks one buffer in 128 and records every hand-off of a
     * tracked one: a cost on each request that production does not need (the test suite runs it
     * paranoid, on every buffer). Off unless {@code -Dio.netty.leakDetection.level} asks for a level.
     */
    static Optional<ResourceLeakDetector.Level> productionLeakLevel(String requested) {
        return requested == null ? Optional.of(ResourceLeakDetector.Level.DISABLED) : Optional.empty();
    }

    /**
     * Netty reads and writes its buffers through {@code sun.misc.Unsafe} on JDK 21 to 24, and from
     * JDK 25 on only when asked: otherwise every copy between a buffer and an array goes through a
     * new {@code ByteBuffer} view, and the HTTP codecs read byte by byte through bounds checks (3%
     * of a stream's throughput, docs/benchmarks.md). Asked for ({@code false}) unless
     * {@code -Dio.netty.noUnsafe} is given. JDK 25 then prints its warning about the deprecated
     * methods once at start-up; {@code --sun-misc-unsafe-memory-access=allow} (JDK 23+) silences it,
     * {@code =deny} turns the access off again.
     */
    static Optional<String> nettyNoUnsafe(String requested) {
        return requested == null ? Optional.of("false") : Optional.empty();
    }

    /** {@code --check-config}: validates the config and reports; 0 when it is valid, 2 when not. */
    static int checkConfig(CommandLine cli, ConfigLoader loader, PrintStream out, PrintStream err) {
        try {
            ConfigSource source = source(cli);
            GatewayConfig config = loader.load(source);
            out.printf("config %s is valid: %d providers, %d models, %d aliases, %d teams%n", source.origin(),
                    config.providers().size(), config.models().size(), config.aliases().size(), config.teams().size());
            return 0;
        } catch (ConfigException e) {
            err.println("tiergate: " + e.getMessage());
            return 2;
        }
    }

    private static ConfigSource source(CommandLine cli) {
        return cli.configDir() == null ? ConfigSource.bundled() : ConfigSource.fromDirectory(Path.of(cli.configDir()));
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Parsed command line. */
    record CommandLine(String configDir, Integer port, Integer managementPort, boolean help, boolean version,
                       boolean checkConfig) {
        static final String USAGE = """
                usage: java -jar tiergate.jar [--config DIR] [--port N] [--management-port N|off] [--check-config]
                  --config DIR              folder with gateway.yaml and teams/*.yaml (default: the bundled demo config)
                  --port N                  port to listen on (overrides server.port)
                  --management-port N|off   port of /metrics and /admin/reload on server.management-host
                                            (overrides server.management-port; default 9464 on 127.0.0.1)
                  --check-config            validate the config, print what is wrong (file:line: field) and exit:
                                            0 when valid, 2 when not
                  --version                 print the version
                  --help                    print this help""";

        /** {@code loaded} with the ports given on the command line. */
        GatewayConfig applyTo(GatewayConfig loaded) {
            var server = loaded.server();
            if (port != null) {
                server = server.withPort(port);
            }
            if (managementPort != null) {
                server = server.withManagementPort(managementPort);
            }
            return server == loaded.server() ? loaded : loaded.withServer(server);
        }

        static CommandLine parse(String[] rawArgs) {
            String[] args = java.util.Arrays.stream(rawArgs)
                    .flatMap(a -> a.startsWith("--") && a.contains("=")
                            ? java.util.stream.Stream.of(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1))
                            : java.util.stream.Stream.of(a))
                    .toArray(String[]::new);
            String config = null;
            Integer port = null;
            Integer managementPort = null;
            boolean help = false;
            boolean version = false;
            boolean checkConfig = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--config" -> config = value(args, ++i, a);
                    case "--port" -> port = port(a, value(args, ++i, a));
                    case "--management-port" -> {
                        String v = value(args, ++i, a);
                        managementPort = v.equals("off") ? ServerConfig.MANAGEMENT_OFF : port(a, v);
                    }
                    case "--help", "-h" -> help = true;
                    case "--version" -> version = true;
                    case "--check-config" -> checkConfig = true;
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
            return new CommandLine(config, port, managementPort, help, version, checkConfig);
        }

        private static int port(String flag, String v) {
            int port;
            try {
                port = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + ": '" + v + "' (expected: a number from 0 to 65535"
                        + (flag.equals("--management-port") ? ", or off)" : ")"));
            }
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException(flag + ": " + port + " (expected: 0 to 65535)");
            }
            return port;
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + ": missing value");
            }
            return args[i];
        }
    }
}
