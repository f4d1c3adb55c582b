package dev.tiergate.server.e2e;

import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.server.Gateway;
import dev.tiergate.server.config.ConfigLoader;
import dev.tiergate.server.config.ConfigSource;
import java.net.URI;
import java.util.Map;

/** A real gateway on a free port, built from YAML text; the team key is {@link #KEY}. */
final class TestGateway implements AutoCloseable {
    static final String KEY = "sk-test-team-a";
    static final String KEY_SHA256 = "%064x".formatted(new java.math.BigInteger(1,
            dev.tiergate.server.auth.ApiKeyAuthenticator.sha256(KEY)));

    private final Gateway gateway;

    private TestGateway(Gateway gateway) {
        this.gateway = gateway;
    }

    /** Starts a gateway whose providers, models and aliases are {@code gatewayYaml}, with one team "team-a". */
    static TestGateway start(String gatewayYaml) throws InterruptedException {
        return start(gatewayYaml, Map.of());
    }

    static TestGateway start(String gatewayYaml, Map<String, String> env) throws InterruptedException {
        String team = "id: team-a\nkeys:\n  - id: key-a\n    sha256: " + KEY_SHA256 + "\nallowed-models: [\"*\"]\n";
        GatewayConfig config = new ConfigLoader(env::get)
                .load(new ConfigSource("test", gatewayYaml, Map.of("teams/team-a.yaml", team)));
        config = config.withServer(config.server().withPort(0));
        return new TestGateway(Gateway.start(config));
    }

    /** Starts a gateway on the bundled default config, reading the environment from {@code env}. */
    static TestGateway startBundled(Map<String, String> env) throws InterruptedException {
        GatewayConfig config = new ConfigLoader(env::get).load(ConfigSource.bundled());
        config = config.withServer(config.server().withPort(0));
        return new TestGateway(Gateway.start(config));
    }

    int port() {
        return gateway.port();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    @Override
    public void close() {
        gateway.close();
    }
}
