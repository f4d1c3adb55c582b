package dev.tiergate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.accounting.Limits;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.config.UsageStoreConfig;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccountingConfigTest {
    private static final String HASH = "a".repeat(64);
    private static final String GATEWAY = """
            providers:
              up: {type: openai, base-url: "http://127.0.0.1:1/v1"}
            models:
              gpt-4o-snapshot: {provider: up, upstream-model: gpt-4o-2024-08-06}
              claude: {provider: up, upstream-model: claude-sonnet-4-20250514, price: {output: 20}}
              mine: {provider: up, price: {input: 1}}
              unknown: {provider: up}
            redis: {url: "${REDIS_URL:-}", key-prefix: "tg:"}
            usage: {file: /tmp/u.jsonl}
            admin-keys: [{id: ops, sha256: %s}]
            """.formatted("b".repeat(64));

    @Test
    void pricesComeFromTheBundledListUnlessTheConfigSetsThem() {
        GatewayConfig config = load(GATEWAY, "id: t\nkeys: [{id: k, sha256: " + HASH + "}]\n");
        assertThat(config.models().get("gpt-4o-snapshot").pricing().inputPerMillion()).isEqualByComparingTo("2.50");
        assertThat(config.models().get("gpt-4o-snapshot").pricing().cachedInputPerMillion()).isEqualByComparingTo("1.25");
        assertThat(config.models().get("claude").pricing().inputPerMillion()).isEqualByComparingTo("3");
        assertThat(config.models().get("claude").pricing().outputPerMillion()).isEqualByComparingTo("20");
        assertThat(config.models().get("mine").pricing().cachedInputPerMillion()).isEqualByComparingTo("1");
        assertThat(config.models().get("unknown").pricing().outputPerMillion()).isEqualByComparingTo("0");
        assertThat(DefaultPrices.bundled().asOf()).isEqualTo("2025-08-15");
        assertThat(config.accounting().usesRedis()).isFalse();
        assertThat(config.accounting().redisKeyPrefix()).isEqualTo("tg:");
        assertThat(config.accounting().usageFile()).isEqualTo("/tmp/u.jsonl");
        assertThat(config.accounting().adminKeys()).singleElement().satisfies(k -> assertThat(k.id()).isEqualTo("ops"));
    }

    @Test
    void teamAndKeyLimitsLogPromptsAndBaseline() {
        TeamConfig team = load(GATEWAY, """
                id: t
                keys:
                  - {id: k1, sha256: %s, limits: {requests-per-minute: 5}}
                  - {id: k2, sha256: %s}
                limits: {requests-per-minute: 60, tokens-per-minute: 1000, monthly-budget-usd: 12.5, soft-budget-percent: 90}
                log-prompts: true
                baseline-model: claude
                """.formatted(HASH, "c".repeat(64))).teams().get("t");
        assertThat(team.accounting().limits()).isEqualTo(new Limits(60, 1000, new BigDecimal("12.5"), 90));
        assertThat(team.accounting().keyLimits("k1").requestsPerMinute()).isEqualTo(5);
        assertThat(team.accounting().keyLimits("k2").any()).isFalse();
        assertThat(team.accounting().logPrompts()).isTrue();
        assertThat(team.accounting().baselineModel()).isEqualTo("claude");
    }

    @Test
    void mistakesAreReportedWithFileAndLine() {
        assertThatThrownBy(() -> load(GATEWAY.replace("key-prefix", "prefix"), """
                id: t
                keys:
                  - {id: k1, sha256: %s, limits: {rpm: 5}}
                limits: {soft-budget-percent: 0}
                baseline-model: nope
                """.formatted(HASH)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.yaml:8: redis.prefix: unknown key")
                .hasMessageContaining("teams/t.yaml:3: keys[0].limits.rpm: unknown key")
                .hasMessageContaining("teams/t.yaml:4: limits.soft-budget-percent: 0 (expected: between 1 and 100)")
                .hasMessageContaining("teams/t.yaml:5: baseline-model: 'nope' is not a model");
        assertThatThrownBy(() -> load(GATEWAY.replace("${REDIS_URL:-}", "http://x"), "id: t\nkeys: [{id: k, sha256: " + HASH + "}]\n"))
                .hasMessageContaining("redis.url: 'http://x' (expected: redis://host:port");
    }

    @Test
    void usageStoreSettingsHaveDefaultsAndAreChecked() {
        String team = "id: t\nkeys: [{id: k, sha256: " + HASH + "}]\n";
        assertThat(load(GATEWAY, team).accounting().usageStore()).isEqualTo(UsageStoreConfig.defaults())
                .isEqualTo(new UsageStoreConfig(UsageStoreConfig.Fsync.INTERVAL, 1000, 7, 64));
        String set = "{file: /tmp/u.jsonl, fsync: every-batch, fsync-interval-ms: 250, keep-records-days: 31, "
                + "compact-after-mb: 256}";
        assertThat(load(GATEWAY.replace("{file: /tmp/u.jsonl}", set), team).accounting().usageStore())
                .isEqualTo(new UsageStoreConfig(UsageStoreConfig.Fsync.EVERY_BATCH, 250, 31, 256));
        assertThat(load(GATEWAY.replace("{file: /tmp/u.jsonl}", "{fsync: on-close}"), team).accounting().usageStore()
                .fsync()).isEqualTo(UsageStoreConfig.Fsync.ON_CLOSE);
        assertThatThrownBy(() -> load(GATEWAY.replace("{file: /tmp/u.jsonl}",
                "{fsync: sometimes, fsync-interval-ms: 0, keep-records-days: 0, compact-after-mb: -1}"), team))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("usage.fsync: 'sometimes' (expected: every-batch, interval or on-close)")
                .hasMessageContaining("usage.fsync-interval-ms: 0 (expected: between 10 and 60000)")
                .hasMessageContaining("usage.keep-records-days: 0 (expected: between 1 and 3660)")
                .hasMessageContaining("usage.compact-after-mb: -1 (expected: between 1 and 1048576)");
    }

    private static GatewayConfig load(String gateway, String team) {
        return new ConfigLoader(Map.<String, String>of()::get).load(new ConfigSource("test", gateway,
                Map.of("teams/t.yaml", team)));
    }
}
