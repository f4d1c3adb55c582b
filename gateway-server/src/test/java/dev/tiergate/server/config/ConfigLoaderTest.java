package dev.tiergate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.config.GatewayConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    @Test
    void bundledConfigWithoutKeyServesOnlyDemoModels() {
        GatewayConfig config = new ConfigLoader(Map.<String, String>of()::get).load(ConfigSource.bundled());
        assertThat(config.providers()).containsOnlyKeys("demo");
        assertThat(config.models()).containsOnlyKeys("demo-small", "demo-mid", "demo-frontier", "demo-embedding");
        assertThat(config.aliases().get("auto").tiers())
                .containsEntry("small", java.util.List.of("demo-small"))
                .containsEntry("frontier", java.util.List.of("demo-frontier"));
        assertThat(config.teams()).containsKey("demo");
    }

    @Test
    void bundledConfigWithOpenAiKeyTiersAutoOverOpenAiModels() {
        GatewayConfig config = new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-x",
                "OPENAI_BASE_URL", "http://127.0.0.1:18080/v1")::get).load(ConfigSource.bundled());
        assertThat(config.providers().get("openai").baseUrl()).hasToString("http://127.0.0.1:18080/v1");
        assertThat(config.providers().get("openai").apiKey()).isEqualTo("sk-x");
        assertThat(config.aliases().get("auto").tiers().get("small").getFirst()).isEqualTo("gpt-4o-mini");
        assertThat(config.aliases().get("auto").tiers().get("frontier").getFirst()).isEqualTo("gpt-4o");
        assertThat(config.providers().get("openai").toString()).doesNotContain("sk-x");
    }

    @Test
    void problemsNameFileLineAndField() {
        String gateway = """
                server:
                  port: lots
                providers:
                  up:
                    type: openai
                    base-url: not a url
                models:
                  m1:
                    provider: nowhere
                """;
        String team = """
                id: t1
                keys:
                  - id: k
                    sha256: nothex
                allowed-models: [m9]
                """;
        assertThatThrownBy(() -> new ConfigLoader(Map.<String, String>of()::get)
                .load(new ConfigSource("test", gateway, Map.of("teams/t1.yaml", team))))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("gateway.yaml:2: server.port"))
                        .anySatisfy(p -> assertThat(p).startsWith("gateway.yaml:6: providers.up.base-url"))
                        .anySatisfy(p -> assertThat(p).startsWith("gateway.yaml:9: models.m1.provider"))
                        .anySatisfy(p -> assertThat(p).startsWith("teams/t1.yaml:4: keys[0].sha256"))
                        .anySatisfy(p -> assertThat(p).startsWith("teams/t1.yaml:5: allowed-models")));
    }

    /** A gateway.yaml with one provider and one model, to which a test adds its section. */
    private static final String ONE_MODEL = """
            providers:
              up: {type: openai, base-url: "http://x/v1"}
            models:
              m1: {provider: up}
            """;

    @Test
    void routerQualityGoalsAreReadPerGatewayAndTeamAndCheckedForRange() {
        String gateway = ONE_MODEL + """
                router:
                  quality-target: 0.9
                """;
        String team = TEAM + "router:\n  max-frontier-share: 0.25\n";
        GatewayConfig config = new ConfigLoader(Map.<String, String>of()::get)
                .load(new ConfigSource("test", gateway, Map.of("teams/t1.yaml", team)));
        assertThat(config.router().qualityTarget()).isEqualTo(0.9);
        assertThat(config.router().maxFrontierShare()).isNull();
        assertThat(config.teams().get("t1").router().maxFrontierShare()).isEqualTo(0.25);
        assertThat(config.teams().get("t1").router().qualityTarget()).isNull();

        assertThatThrownBy(() -> load(gateway.replace("quality-target: 0.9", "quality-target: 0")))
                .hasMessageContaining("router.quality-target");
        assertThatThrownBy(() -> load(gateway.replace("quality-target: 0.9", "max-frontier-share: 1.5")))
                .hasMessageContaining("router.max-frontier-share");
    }

    @Test
    void theCascadeKeysAreReadPerGatewayAndTeamAndChecked() {
        String gateway = ONE_MODEL + """
                router:
                  cascade-checks: [refusal, invalid-json]
                  cascade-min-mean-logprob: -0.7
                """;
        String team = TEAM + "router:\n  mode: cascade\n  cascade-streams: buffered\n  cascade-hold-ms: 1500\n";
        GatewayConfig config = new ConfigLoader(Map.<String, String>of()::get)
                .load(new ConfigSource("test", gateway, Map.of("teams/t1.yaml", team)));
        assertThat(config.router().mode()).isNull();
        assertThat(config.router().cascade().checks()).containsExactly("refusal", "invalid-json");
        assertThat(config.router().cascade().minMeanLogprob()).isEqualTo(-0.7);
        assertThat(config.teams().get("t1").router().mode()).isEqualTo("cascade");
        assertThat(config.teams().get("t1").router().cascade().streams()).isEqualTo("buffered");
        assertThat(config.teams().get("t1").router().cascade().holdMillis()).isEqualTo(1500);
        assertThat(config.teams().get("t1").router().cascade().checks()).isNull();

        assertThatThrownBy(() -> load(gateway + "  mode: cascading\n")).hasMessageContaining("router.mode");
        assertThatThrownBy(() -> load(gateway.replace("invalid-json]", "schema]")))
                .hasMessageContaining("router.cascade-checks");
        assertThatThrownBy(() -> load(gateway.replace("-0.7", "0.5")))
                .hasMessageContaining("router.cascade-min-mean-logprob");
        assertThatThrownBy(() -> load(gateway + "  cascade-streams: always\n"))
                .hasMessageContaining("router.cascade-streams");
    }

    @Test
    void unsetVariableWithoutDefaultIsAProblem() {
        String gateway = """
                providers:
                  up: {type: openai, base-url: "http://x/v1", api-key: "${MISSING_KEY}"}
                models:
                  m1: {provider: up}
                """;
        String team = "id: t\nkeys: [{id: k, sha256: " + "a".repeat(64) + "}]\n";
        assertThatThrownBy(() -> new ConfigLoader(Map.<String, String>of()::get)
                .load(new ConfigSource("test", gateway, Map.of("teams/t.yaml", team))))
                .hasMessageContaining("gateway.yaml:2: providers.up.api-key: environment variable MISSING_KEY is not set");
    }

    @Test
    void anthropicAndGeminiNeedNoBaseUrlButOpenAiDoes() {
        String gateway = """
                providers:
                  claude: {type: anthropic, api-key: "${ANTHROPIC_API_KEY}"}
                  google: {type: gemini, api-key: "${GEMINI_API_KEY}"}
                  compat: {type: openai}
                models:
                  sonnet: {provider: claude, upstream-model: claude-sonnet-4-5}
                  flash: {provider: google, upstream-model: gemini-2.5-flash}
                """;
        String team = "id: t\nkeys: [{id: k, sha256: " + "a".repeat(64) + "}]\n";
        Map<String, String> env = Map.of("ANTHROPIC_API_KEY", "sk-ant", "GEMINI_API_KEY", "g-key");
        assertThatThrownBy(() -> new ConfigLoader(env::get)
                .load(new ConfigSource("test", gateway, Map.of("teams/t.yaml", team))))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(p -> assertThat(p).startsWith("gateway.yaml:4: providers.compat.base-url")));

        GatewayConfig config = new ConfigLoader(env::get).load(new ConfigSource("test",
                gateway.replace("compat: {type: openai}", "compat: {type: openai, base-url: \"http://x/v1\"}"),
                Map.of("teams/t.yaml", team)));
        assertThat(config.providers().get("claude").type()).isEqualTo("anthropic");
        assertThat(config.providers().get("claude").baseUrl()).isNull();
        assertThat(config.providers().get("google").apiKey()).isEqualTo("g-key");
        assertThat(config.models().get("flash").upstreamModel()).isEqualTo("gemini-2.5-flash");
    }

    private static final String TEAM = "id: t1\nkeys:\n  - id: k\n    sha256: " + "a".repeat(64) + "\n";

    private static GatewayConfig load(String gateway) {
        return new ConfigLoader(Map.<String, String>of()::get).load(new ConfigSource("test", gateway, Map.of("teams/t1.yaml", TEAM)));
    }

    @Test
    void onlineVerificationOfSemanticHitsIsReadWithTeamOverridesAndCheckedBounds() {
        String gateway = """
                cache:
                  semantic:
                    enabled: true
                    precision-target: 0.98
                    online-verification: {share: 0.05, timeout-seconds: 20, max-concurrent: 8, window: 100,
                                          min-checks: 30, answer-similarity: 0.6, max-tightenings: 3}
                """;
        String team = TEAM + "cache:\n  semantic:\n    online-verification: {share: 0.5, tolerated-false-hit-rate: 0.05}\n";
        GatewayConfig config = new ConfigLoader(Map.<String, String>of()::get).load(new ConfigSource("test", gateway,
                Map.of("teams/t1.yaml", team)));
        var online = config.semanticCache().onlineVerification();
        assertThat(online).isEqualTo(new dev.tiergate.core.config.OnlineVerificationConfig(0.05,
                java.time.Duration.ofSeconds(20), 8, 100, 30, 0.6, 3));
        assertThat(config.teams().get("t1").cache().semantic().onlineShare()).isEqualTo(0.5);
        assertThat(config.teams().get("t1").cache().semantic().toleratedFalseHitRate()).isEqualTo(0.05);
        assertThat(load("cache: {semantic: {enabled: true}}\n").semanticCache().onlineVerification())
                .isEqualTo(dev.tiergate.core.config.OnlineVerificationConfig.defaults());

        assertThatThrownBy(() -> load("""
                cache:
                  semantic:
                    online-verification: {share: 1.5, window: 10, min-checks: 20, typo: 1}
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).anySatisfy(
                        p -> assertThat(p).contains("cache.semantic.online-verification.share: 1.5"))
                .anySatisfy(p -> assertThat(p).contains("cache.semantic.online-verification.min-checks: 20"))
                .anySatisfy(p -> assertThat(p).contains("cache.semantic.online-verification.typo: unknown key")));
    }

    @Test
    void semanticLookupsPriorityAndTimeoutAreReadAndChecked() {
        var defaults = load("cache: {semantic: {enabled: true}}\n").semanticCache();
        assertThat(defaults.backgroundLookups()).isFalse();
        assertThat(defaults.lookupTimeout()).isEqualTo(java.time.Duration.ofMillis(250));

        var set = load("cache: {semantic: {enabled: true, lookup-priority: background, lookup-timeout-ms: 40}}\n")
                .semanticCache();
        assertThat(set.backgroundLookups()).isTrue();
        assertThat(set.lookupTimeout()).isEqualTo(java.time.Duration.ofMillis(40));

        assertThatThrownBy(() -> load("cache: {semantic: {lookup-priority: idle, lookup-timeout-ms: 0}}\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).contains("cache.semantic.lookup-priority: 'idle'"))
                        .anySatisfy(p -> assertThat(p).contains("cache.semantic.lookup-timeout-ms")));
    }

    private static final String PROVIDERS = """
            server:
              request-timeout-seconds: 60
            providers:
              a: {type: openai, base-url: http://127.0.0.1:1/v1}
              b: {type: openai, base-url: http://127.0.0.1:2/v1}
              gone: {type: openai, base-url: http://127.0.0.1:3/v1, optional: true, api-key: ""}
            """;

    @Test
    void resilienceDeploymentsFallbacksAndRetriesAreRead() {
        GatewayConfig config = load(PROVIDERS + """
                resilience:
                  retry: {max-attempts: 3, initial-backoff-ms: 100, max-backoff-ms: 1000, jitter: 0.5}
                  circuit-breaker: {failure-threshold: 4, cool-down-seconds: 10}
                  deadline-seconds: 45
                models:
                  claude:
                    upstream-model: claude-x
                    deployments:
                      - {provider: a, weight: 2}
                      - {provider: b, upstream-model: claude-y}
                      - {provider: gone}
                    fallbacks: [gpt, skipped]
                    retry: {max-attempts: 1}
                  gpt: {provider: b}
                  skipped: {provider: gone}
                """);
        var resilience = config.resilience();
        assertThat(resilience.retry()).isEqualTo(new dev.tiergate.core.resilience.RetryPolicy(3,
                java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(1), 0.5));
        assertThat(resilience.circuitBreaker()).isEqualTo(new dev.tiergate.core.resilience.CircuitBreakerPolicy(4,
                java.time.Duration.ofSeconds(10)));
        assertThat(config.deadline()).isEqualTo(java.time.Duration.ofSeconds(45));
        var claude = config.models().get("claude");
        assertThat(claude.deployments()).containsExactly(
                new dev.tiergate.core.config.DeploymentConfig("a", "claude-x", 2),
                new dev.tiergate.core.config.DeploymentConfig("b", "claude-y", 1));
        assertThat(claude.provider()).isEqualTo("a");
        assertThat(claude.fallbacks()).containsExactly("gpt");
        assertThat(claude.retry()).isEqualTo(new dev.tiergate.core.resilience.RetryPolicy(1,
                java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(1), 0.5));
        assertThat(config.models().get("gpt").retry()).isNull();
        assertThat(config.models()).doesNotContainKey("skipped");
    }

    @Test
    void withoutResilienceTheDeadlineIsTheRequestTimeout() {
        GatewayConfig config = load(PROVIDERS + "models:\n  gpt: {provider: b}\n");
        assertThat(config.resilience()).isEqualTo(dev.tiergate.core.config.ResilienceConfig.defaults());
        assertThat(config.deadline()).isEqualTo(java.time.Duration.ofSeconds(60));
    }

    @Test
    void resilienceProblemsNameFileLineAndField() {
        String gateway = PROVIDERS + """
                resilience:
                  retry: {max-attempts: 0, initial-backoff-ms: 500, max-backoff-ms: 100, jiter: 1}
                  circuit-breaker: {failure-threshold: 0}
                  deadline-seconds: 90
                models:
                  m1:
                    provider: a
                    deployments: [{provider: b}]
                  m2:
                    deployments:
                      - {provider: nowhere, weight: 0}
                    fallbacks: [m2, m9]
                  m3: {provider: a, fallbacks: [e1]}
                  e1: {provider: a, kind: embedding}
                """;
        assertThatThrownBy(() -> load(gateway))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "gateway.yaml:8: resilience.retry.jiter: unknown key (expected one of: initial-backoff-ms, jitter, max-attempts, max-backoff-ms)",
                        "gateway.yaml:8: resilience.retry.max-attempts: 0 (expected: between 1 and 20)",
                        "gateway.yaml:8: resilience.retry.max-backoff-ms: 100 (expected: at least initial-backoff-ms, 500)",
                        "gateway.yaml:9: resilience.circuit-breaker.failure-threshold: 0 (expected: between 1 and 10000)",
                        "gateway.yaml:10: resilience.deadline-seconds: 90 (expected: at most server.request-timeout-seconds, 60)",
                        "gateway.yaml:14: models.m1.deployments: given together with provider (expected: one of them)",
                        "gateway.yaml:17: models.m2.deployments[0].provider: 'nowhere' is not defined under providers",
                        "gateway.yaml:17: models.m2.deployments[0].weight: 0 (expected: between 1 and 1000)",
                        "gateway.yaml:19: models.m3.fallbacks: 'e1' is an embedding model (expected: chat models)"));
    }

    @Test
    void theManagementPortIsOnLoopbackBy9464AndCanBeTurnedOff() {
        String team = "id: t\nkeys: [{id: k, sha256: " + "a".repeat(64) + "}]\n";
        ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);
        String models = "providers: {sim: {type: demo}}\nmodels: {m: {provider: sim}}\n";
        GatewayConfig defaults = loader.load(new ConfigSource("test", models, Map.of("teams/t.yaml", team)));
        assertThat(defaults.server().managementHost()).isEqualTo("127.0.0.1");
        assertThat(defaults.server().managementPort()).isEqualTo(9464);
        for (String off : java.util.List.of("off", "false", "\"off\"")) {
            GatewayConfig config = loader.load(new ConfigSource("test", "server: {management-port: " + off + "}\n" + models,
                    Map.of("teams/t.yaml", team)));
            assertThat(config.server().managementEnabled()).as(off).isFalse();
        }
        GatewayConfig moved = loader.load(new ConfigSource("test",
                "server: {management-host: 0.0.0.0, management-port: 9100}\n" + models, Map.of("teams/t.yaml", team)));
        assertThat(moved.server().managementHost()).isEqualTo("0.0.0.0");
        assertThat(moved.server().managementPort()).isEqualTo(9100);
        assertThatThrownBy(() -> loader.load(new ConfigSource("test", "server: {management-port: 70000}\n" + models,
                Map.of("teams/t.yaml", team))))
                .hasMessageContaining("gateway.yaml:1: server.management-port: '70000' (expected: a port from 0 to 65535, or off)");
    }
}
