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
}
