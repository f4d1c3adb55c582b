package dev.tiergate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ResponsesConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code responses.*}: where stored responses live, for how long, and how much. */
class ResponsesConfigTest {
    private static final String BASE = """
            providers: {sim: {type: demo}}
            models: {m: {provider: sim}}
            """;

    @Test
    void withoutTheSectionResponsesAreKeptInMemoryFor30DaysAndAtMost64MiB() {
        ResponsesConfig c = load(BASE).responses();
        assertThat(c.store()).isEqualTo(ResponsesConfig.Store.MEMORY);
        assertThat(c.ttl()).isEqualTo(Duration.ofDays(30));
        assertThat(c.maxSizeBytes()).isEqualTo(64L << 20);
        assertThat(c.maxEntryBytes()).isEqualTo(8L << 20);
        assertThat(c.encryptionKeyBase64()).isNull();
    }

    @Test
    void everyKeyIsRead() {
        ResponsesConfig c = load(BASE + """
                redis: {url: "redis://127.0.0.1:6379"}
                responses:
                  store: redis
                  ttl-seconds: 3600
                  max-size-mb: 16
                  max-entry-mb: 2
                  encryption-key: "%s"
                  key-file: /tmp/k.key
                """.formatted("A".repeat(43) + "=")).responses();
        assertThat(c.store()).isEqualTo(ResponsesConfig.Store.REDIS);
        assertThat(c.ttl()).isEqualTo(Duration.ofHours(1));
        assertThat(c.maxSizeBytes()).isEqualTo(16L << 20);
        assertThat(c.maxEntryBytes()).isEqualTo(2L << 20);
        assertThat(c.encryptionKeyBase64()).isEqualTo("A".repeat(43) + "=");
        assertThat(c.keyFile()).isEqualTo("/tmp/k.key");
        assertThat(c.toString()).doesNotContain("AAAA");
    }

    @Test
    void wrongValuesAreReportedWithTheirLine() {
        assertThatThrownBy(() -> load(BASE + """
                responses:
                  store: disk
                  ttl-seconds: 0
                  max-size-mb: x
                  encryption-key: "short"
                  colour: blue
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).anySatisfy(
                        p -> assertThat(p).contains("gateway.yaml:4: responses.store: 'disk' (expected: memory or redis)"))
                .anySatisfy(p -> assertThat(p).contains("responses.ttl-seconds: 0 (expected: between 60"))
                .anySatisfy(p -> assertThat(p).contains("responses.max-size-mb: 'x'"))
                .anySatisfy(p -> assertThat(p).contains("responses.encryption-key"))
                .anySatisfy(p -> assertThat(p).contains("colour")));
    }

    @Test
    void theRedisStoreNeedsRedisUrl() {
        assertThatThrownBy(() -> load(BASE + "responses: {store: redis}\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).anySatisfy(
                        p -> assertThat(p).contains("responses.store: redis, but redis.url is empty")));
    }

    @Test
    void theResponsesOptionOfAProviderIsTranslateOrPassthroughOnAnOpenAiProvider() {
        assertThat(load("""
                providers: {up: {type: openai, base-url: "http://127.0.0.1:1/v1", options: {responses: passthrough}}}
                models: {m: {provider: up}}
                """).providers().get("up").option("responses", null)).isEqualTo("passthrough");
        assertThatThrownBy(() -> load("""
                providers: {up: {type: openai, base-url: "http://127.0.0.1:1/v1", options: {responses: passtrough}}}
                models: {m: {provider: up}}
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).anySatisfy(
                        p -> assertThat(p).contains("providers.up.options.responses: 'passtrough'")));
        assertThatThrownBy(() -> load("""
                providers: {a: {type: anthropic, options: {responses: passthrough}}}
                models: {m: {provider: a}}
                """)).isInstanceOf(ConfigException.class);
    }

    private static GatewayConfig load(String gatewayYaml) {
        return new ConfigLoader(Map.<String, String>of()::get).load(new ConfigSource("test", gatewayYaml,
                Map.of("teams/t.yaml", "id: t\nkeys: [{id: k, sha256: " + "a".repeat(64) + "}]\n")));
    }
}
