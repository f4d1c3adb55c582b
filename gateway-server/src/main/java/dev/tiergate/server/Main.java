package dev.tiergate.server;

import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.server.config.ConfigException;
import dev.tiergate.server.config.ConfigLoader;
import dev.tiergate.server.config.ConfigSource;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar tiergate.jar [--config DIR] [--port N]}. Without {@code --config} the default
 * config bundled in the jar is used; {@code --port} wins over the config's {@code server.port}.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
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
        GatewayConfig config;
        try {
            ConfigSource source = cli.configDir() == null ? ConfigSource.bundled() : ConfigSource.fromDirectory(Path.of(cli.configDir()));
            config = ConfigLoader.withSystemEnv().load(source);
        } catch (ConfigException e) {
            System.err.println("tiergate: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (cli.port() != null) {
            config = config.withServer(config.server().withPort(cli.port()));
        }
        Gateway gateway = Gateway.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "tiergate-shutdown"));
        stopped.await();
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Parsed command line. */
    record CommandLine(String configDir, Integer port, boolean help, boolean version) {
        static final String USAGE = """
                usage: java -jar tiergate.jar [--config DIR] [--port N]
                  --config DIR  folder with gateway.yaml and teams/*.yaml (default: the bundled demo config)
                  --port N      port to listen on (overrides server.port)
                  --version     print the version
                  --help        print this help""";

        static CommandLine parse(String[] rawArgs) {
            String[] args = java.util.Arrays.stream(rawArgs)
                    .flatMap(a -> a.startsWith("--") && a.contains("=")
                            ? java.util.stream.Stream.of(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1))
                            : java.util.stream.Stream.of(a))
                    .toArray(String[]::new);
            String config = null;
            Integer port = null;
            boolean help = false;
            boolean version = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--config" -> config = value(args, ++i, a);
                    case "--port" -> {
                        String v = value(args, ++i, a);
                        try {
                            port = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--port: '" + v + "' (expected: a number from 0 to 65535)");
                        }
                        if (port < 0 || port > 65_535) {
                            throw new IllegalArgumentException("--port: " + port + " (expected: 0 to 65535)");
                        }
                    }
                    case "--help", "-h" -> help = true;
                    case "--version" -> version = true;
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
            return new CommandLine(config, port, help, version);
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + ": missing value");
            }
            return args[i];
        }
    }
}
