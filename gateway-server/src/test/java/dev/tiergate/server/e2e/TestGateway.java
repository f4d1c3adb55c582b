package dev.tiergate.server.e2e;

import dev.tiergate.core.config.AccountingConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.server.Gateway;
import dev.tiergate.server.config.ConfigLoader;
import dev.tiergate.server.config.ConfigSource;
import java.net.URI;
import java.util.Map;

/** A real gateway on a free port, built from YAML text; the team key is {@link #KEY}. */
public final class TestGateway implements AutoCloseable {
    public static final String KEY = "sk-test-team-a";
    static final String KEY_SHA256 = sha256Hex(KEY);

    /**
     * Providers, models and the alias {@code auto} of a gateway whose three tiers are answered by the
     * demo provider without delay, at the bundled demo models' list prices (add {@code router:} etc.).
     */
    public static final String DEMO_TIERS_YAML = """
            providers:
              sim: {type: demo, options: {first-token-ms: 0, chunk-delay-ms: 0}}
            models:
              demo-small: {provider: sim, price: {input: 0.15, output: 0.60}}
              demo-mid: {provider: sim, price: {input: 0.40, output: 1.60}}
              demo-frontier: {provider: sim, price: {input: 2.50, output: 10.00}}
            aliases:
              auto:
                tiers: {small: [demo-small], mid: [demo-mid], frontier: [demo-frontier]}
            """;

    private final Gateway gateway;

    private TestGateway(Gateway gateway) {
        this.gateway = gateway;
    }

    /** The team file of "team-a" with its key, plus {@code extraYaml} (limits, log-prompts, ...). */
    static String teamYaml(String extraYaml) {
        return "id: team-a\nkeys:\n  - id: key-a\n    sha256: " + KEY_SHA256 + "\nallowed-models: [\"*\"]\n" + extraYaml;
    }

    /** Starts a gateway from gateway.yaml text and team files; a usage file left at its default goes to a temp file. */
    static TestGateway start(String gatewayYaml, Map<String, String> env, Map<String, String> teamFiles)
            throws InterruptedException {
        return start(gatewayYaml, env, teamFiles, java.time.Clock.systemUTC());
    }

    static TestGateway start(String gatewayYaml, Map<String, String> env, Map<String, String> teamFiles,
                             java.time.Clock clock) throws InterruptedException {
        GatewayConfig config = new ConfigLoader(env::get).load(new ConfigSource("test", gatewayYaml, teamFiles));
        return new TestGateway(Gateway.start(withTestDefaults(config), clock));
    }

    /** Free ports for the API and, unless the config turns it off, the management port. */
    private static GatewayConfig withFreePorts(GatewayConfig config) {
        var server = config.server().withPort(0);
        return config.withServer(server.managementEnabled() ? server.withManagementPort(0) : server);
    }

    private static GatewayConfig withTestDefaults(GatewayConfig config) {
        config = withFreePorts(config);
        AccountingConfig a = config.accounting();
        if (a.usageFile().equals(AccountingConfig.DEFAULT_USAGE_FILE)) {
            try {
                java.nio.file.Path file = java.nio.file.Files.createTempFile("tiergate-usage", ".jsonl");
                file.toFile().deleteOnExit();
                config = config.withAccounting(a.withUsageFile(file.toString()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return config;
    }

    /** Starts a gateway whose spans go to {@code tracing}. */
    static TestGateway startTraced(String gatewayYaml, Map<String, String> teamFiles,
                                   dev.tiergate.server.telemetry.Tracing tracing) throws InterruptedException {
        GatewayConfig config = new ConfigLoader(name -> null).load(new ConfigSource("test", gatewayYaml, teamFiles));
        return new TestGateway(Gateway.start(withTestDefaults(config), java.time.Clock.systemUTC(), null,
                dev.tiergate.server.fatal.ExitOnOutOfMemory.halting(), tracing));
    }

    /** Completes when the usage of every request answered so far is stored. */
    void flushUsage() {
        gateway.flushUsage().toCompletableFuture().join();
    }

    /** Starts a gateway whose providers, models and aliases are {@code gatewayYaml}, with one team "team-a". */
    public static TestGateway start(String gatewayYaml) throws InterruptedException {
        return start(gatewayYaml, Map.of());
    }

    static TestGateway start(String gatewayYaml, Map<String, String> env) throws InterruptedException {
        return start(gatewayYaml, env, Map.of("teams/team-a.yaml", teamYaml("")));
    }

    /** Starts a gateway with one team per entry of {@code keysByTeam} (team id to its secret key), all models allowed. */
    public static TestGateway startWithTeams(String gatewayYaml, Map<String, String> env,
                                             Map<String, String> keysByTeam) throws InterruptedException {
        Map<String, String> teams = new java.util.HashMap<>();
        keysByTeam.forEach((id, key) -> teams.put("teams/" + id + ".yaml", "id: " + id + "\nkeys:\n  - id: key-" + id
                + "\n    sha256: " + sha256Hex(key) + "\nallowed-models: [\"*\"]\n"));
        return start(gatewayYaml, env, teams);
    }

    /** The hex SHA-256 of a key, as team files hold it. */
    public static String sha256Hex(String key) {
        return "%064x".formatted(new java.math.BigInteger(1, dev.tiergate.server.auth.ApiKeyAuthenticator.sha256(key)));
    }

    /**
     * Starts a gateway from a config folder (its gateway.yaml sets the usage file; the ports are
     * free ones), which {@code POST /admin/reload} reads again; with {@code watch}, changes to its
     * files reload too.
     */
    static TestGateway startFrom(java.nio.file.Path dir, boolean watch) throws InterruptedException {
        dev.tiergate.server.ReloadSource source = dev.tiergate.server.ReloadSource.of(dir, new ConfigLoader(name -> null),
                TestGateway::withFreePorts).withWatch(watch);
        return new TestGateway(Gateway.start(source.loader().get(), java.time.Clock.systemUTC(), source));
    }

    /** Starts a gateway on the bundled default config, reading the environment from {@code env}. */
    static TestGateway startBundled(Map<String, String> env) throws InterruptedException {
        GatewayConfig config = new ConfigLoader(env::get).load(ConfigSource.bundled());
        return new TestGateway(Gateway.start(withTestDefaults(config)));
    }

    public int port() {
        return gateway.port();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** The management port ({@code /metrics}, {@code /admin/*}, probes), or -1 when it is off. */
    public int managementPort() {
        return gateway.managementPort();
    }

    /** {@code path} on the management port. */
    public URI managementUri(String path) {
        if (managementPort() < 0) {
            throw new IllegalStateException("the management port is off in this gateway's config");
        }
        return URI.create("http://127.0.0.1:" + managementPort() + path);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    @Override
    public void close() {
        gateway.close();
    }
}
