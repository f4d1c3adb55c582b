package dev.tiergate.router.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.RedisClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Both decision logs and the Redis reward store: TTL, the per-team cap, claims, fingerprints, promotions. */
class DecisionLogTest {
    private static final String REDIS = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");

    private static LoggedDecision decision(String team, String id) {
        return new LoggedDecision(id, team, "auto", "auto/c0.mid", 0, 0.3, 10, "mid", "mid", 0.95, 0.16,
                "classifier", 0);
    }

    @Test
    void inMemoryDecisionsExpireAndATeamKeepsAtMostItsCap() {
        AtomicLong now = new AtomicLong(1_000_000);
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        InMemoryDecisionLog log = new InMemoryDecisionLog(Duration.ofMinutes(10), 3, 100, clock);
        for (int i = 0; i < 5; i++) {
            log.record(decision("a", "a-" + i));
        }
        log.record(decision("b", "b-0"));
        assertThat(log.find("a-0").toCompletableFuture().join()).isNull();
        assertThat(log.find("a-1").toCompletableFuture().join()).isNull();
        assertThat(log.find("a-4").toCompletableFuture().join().team()).isEqualTo("a");
        assertThat(log.find("b-0").toCompletableFuture().join()).isNotNull();
        assertThat(log.claim("a-4", "explicit").toCompletableFuture().join()).isTrue();
        assertThat(log.claim("a-4", "explicit").toCompletableFuture().join()).isFalse();
        assertThat(log.claim("a-4", "implicit").toCompletableFuture().join()).isTrue();
        assertThat(log.swapFingerprint("a", "f", "a-3", Duration.ofSeconds(30)).toCompletableFuture().join()).isNull();
        assertThat(log.swapFingerprint("a", "f", "a-4", Duration.ofSeconds(30)).toCompletableFuture().join())
                .isEqualTo("a-3");
        now.addAndGet(Duration.ofMinutes(11).toMillis());
        assertThat(log.find("a-4").toCompletableFuture().join()).isNull();
        assertThat(log.claim("a-4", "explicit").toCompletableFuture().join()).isFalse();
        assertThat(log.swapFingerprint("a", "f", "a-5", Duration.ofSeconds(30)).toCompletableFuture().join()).isNull();
    }

    @Test
    void aFullInMemoryLogTakesTheOldestOfTheTeamHoldingTheMost() {
        InMemoryDecisionLog log = new InMemoryDecisionLog(Duration.ofHours(1), 100, 4, Clock.systemUTC());
        log.record(decision("b", "b-0"));
        for (int i = 0; i < 5; i++) {
            log.record(decision("a", "a-" + i));
        }
        assertThat(log.find("a-0").toCompletableFuture().join()).as("a held the most: its oldest went").isNull();
        assertThat(log.find("a-1").toCompletableFuture().join()).isNull();
        assertThat(log.find("b-0").toCompletableFuture().join()).as("b's one decision stays").isNotNull();
        assertThat(log.find("a-4").toCompletableFuture().join()).isNotNull();
        log.swapFingerprint("b", "f0", "b-0", Duration.ofMinutes(5));
        for (int i = 1; i <= 5; i++) {
            log.swapFingerprint("a", "f" + i, "a-4", Duration.ofMinutes(5));
        }
        assertThat(log.size()).as("four decisions and four fingerprints at most").isEqualTo(8);
        assertThat(log.swapFingerprint("b", "f0", "b-0", Duration.ofMinutes(5)).toCompletableFuture().join())
                .as("b's one fingerprint stayed").isEqualTo("b-0");
        assertThat(log.swapFingerprint("a", "f1", "a-4", Duration.ofMinutes(5)).toCompletableFuture().join())
                .as("a held the most: its oldest went").isNull();
        assertThatThrownBy(() -> log.claim("a-4", "other")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void redisKeepsDecisionsRewardsAndPoliciesSharedAndBounded() {
        String prefix = "tiergate-test:learning:" + System.nanoTime() + ":";
        RedisLearningConnection connection;
        try {
            connection = RedisLearningConnection.connect(REDIS);
        } catch (IllegalStateException e) {
            assumeTrue(!"true".equals(System.getenv("CI")), "Redis is needed under CI=true: " + e.getMessage());
            assumeTrue(false, "Redis at " + REDIS + " does not answer");
            return;
        }
        try (connection) {
            RedisDecisionLog log = new RedisDecisionLog(connection, prefix, Duration.ofMinutes(5), 3);
            for (int i = 0; i < 5; i++) {
                log.record(decision("a", "a-" + i)).toCompletableFuture().join();
            }
            assertThat(log.claim("a-4", "explicit").toCompletableFuture().join()).isTrue();
            assertThat(log.claim("a-4", "explicit").toCompletableFuture().join()).isFalse();
            assertThat(log.find("a-0").toCompletableFuture().join()).isNull();
            assertThat(log.find("a-4").toCompletableFuture().join()).isEqualTo(decision("a", "a-4"));
            assertThat(log.swapFingerprint("a", "f", "a-3", Duration.ofSeconds(30)).toCompletableFuture().join())
                    .isNull();
            assertThat(log.swapFingerprint("a", "f", "a-4", Duration.ofSeconds(30)).toCompletableFuture().join())
                    .isEqualTo("a-3");

            RedisRewardStore store = new RedisRewardStore(connection, prefix, Duration.ofMinutes(5));
            InMemoryRewardStore same = new InMemoryRewardStore();
            Reward[] rewards = {new Reward("auto/c0.mid", "mid", 0.5, 0.95, 0.16, true),
                    new Reward("auto/c0.mid", "small", 1.0, 0.025, 0.06, false),
                    new Reward("auto/c3.small", "small", 0.25, 1.0, 0.06, true)};
            for (Reward r : rewards) {
                store.add("a", r).toCompletableFuture().join();
                same.add("a", r);
            }
            TeamStats stats = store.stats("a").toCompletableFuture().join();
            TeamStats expected = same.stats("a").toCompletableFuture().join();
            assertThat(stats.explicit()).isEqualTo(2);
            assertThat(stats.rewards()).isEqualTo(3);
            assertThat(stats.arms().keySet()).isEqualTo(expected.arms().keySet());
            expected.arms().forEach((arm, s) -> {
                assertThat(stats.arms().get(arm).n()).isEqualTo(s.n());
                assertThat(stats.arms().get(arm).mean()).isCloseTo(s.mean(), org.assertj.core.data.Offset.offset(1e-9));
                assertThat(stats.arms().get(arm).meanCost()).isCloseTo(s.meanCost(),
                        org.assertj.core.data.Offset.offset(1e-9));
            });

            PolicyTable v1 = new PolicyTable(1, java.util.Map.of("auto/c0.mid", "small"));
            assertThat(store.serving("a").toCompletableFuture().join()).isEqualTo(PolicyTable.STATIC);
            assertThat(store.promote("a", v1).toCompletableFuture().join()).isTrue();
            assertThat(store.promote("a", v1).toCompletableFuture().join()).isFalse();
            assertThat(store.promote("a", new PolicyTable(3, java.util.Map.of())).toCompletableFuture().join()).isFalse();
            assertThat(store.serving("a").toCompletableFuture().join()).isEqualTo(v1);
        } finally {
            RedisClient client = RedisClient.create(REDIS);
            try (var c = client.connect()) {
                var keys = c.sync().keys(prefix + "*");
                if (!keys.isEmpty()) {
                    c.sync().del(keys.toArray(String[]::new));
                }
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
    }
}
