package dev.tiergate.router.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.Pricing;
import dev.tiergate.core.routing.RouteCause;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.core.testing.HeapInUse;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConversationTiersTest {
    private static final Map<String, List<String>> TIERS = new LinkedHashMap<>();

    static {
        TIERS.put("small", List.of("small-m"));
        TIERS.put("mid", List.of("mid-m"));
        TIERS.put("frontier", List.of("frontier-m"));
    }

    private static final AliasConfig AUTO = new AliasConfig("auto", TIERS, "mid");
    /** Input, output, cached input: a Sonnet-like frontier (cache reads at a tenth), a mid and a small tier. */
    private static final Map<String, Pricing> PRICES = Map.of(
            "frontier-m", new Pricing(new BigDecimal("3"), new BigDecimal("15"), new BigDecimal("0.30")),
            "mid-m", new Pricing(new BigDecimal("1"), new BigDecimal("5"), new BigDecimal("0.10")),
            "small-m", new Pricing(new BigDecimal("0.15"), new BigDecimal("0.60"), new BigDecimal("0.015")));

    private Instant now = Instant.parse("2025-08-14T10:00:00Z");
    private final ConversationTiers tiers = new ConversationTiers(new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }, PRICES::get, 1000);

    private static RouteDecision decided(String tier, RouteCause cause) {
        return new RouteDecision("auto", tier, TIERS.get(tier).getFirst(), 0.5, cause, Map.of(), List.of());
    }

    /** Routes one turn of conversation "c" to what the classifier chose; returns the decision that stands. */
    private RouteDecision turn(String chosen, RouteCause cause, long promptTokens) {
        RouteDecision decision = tiers.weigh("team", "c", AUTO, decided(chosen, cause), promptTokens);
        tiers.remember("team", "c", decision, promptTokens);
        return decision;
    }

    @Test
    void aDowngradeThatLosesMoreCacheDiscountThanItSavesKeepsThePreviousTier() {
        turn("frontier", RouteCause.CLASSIFIER, 9_000);
        // to mid: lost 9,000 × (3 − 0.30) = 24,300 > saved 10,000 × (3 − 1) = 20,000
        RouteDecision held = turn("mid", RouteCause.CLASSIFIER, 10_000);
        assertThat(held.tier()).isEqualTo("frontier");
        assertThat(held.model()).isEqualTo("frontier-m");
        assertThat(held.cause()).isEqualTo(RouteCause.PROMPT_CACHE);
    }

    @Test
    void aDowngradeThatSavesMoreGoesThrough() {
        turn("frontier", RouteCause.CLASSIFIER, 9_000);
        // to small: lost 24,300 < saved 10,000 × (3 − 0.15) = 28,500
        assertThat(turn("small", RouteCause.CLASSIFIER, 10_000).tier()).isEqualTo("small");
        // to mid with a mostly new prompt: lost 2,000 × 2.7 = 5,400 < saved 10,000 × 2 = 20,000
        tiers.remember("team", "c", decided("frontier", RouteCause.CLASSIFIER), 2_000);
        assertThat(turn("mid", RouteCause.CLASSIFIER, 10_000).tier()).isEqualTo("mid");
    }

    @Test
    void upgradesForcedTiersAndOtherConversationsAreNeverHeld() {
        turn("mid", RouteCause.CLASSIFIER, 9_000);
        assertThat(turn("frontier", RouteCause.CLASSIFIER, 10_000).tier()).isEqualTo("frontier");
        assertThat(turn("mid", RouteCause.GATE, 10_500).tier()).isEqualTo("mid");
        turn("frontier", RouteCause.CLASSIFIER, 11_000);
        assertThat(tiers.weigh("team", "other", AUTO, decided("mid", RouteCause.CLASSIFIER), 11_500).tier())
                .isEqualTo("mid");
        assertThat(tiers.weigh("team", null, AUTO, decided("mid", RouteCause.CLASSIFIER), 11_500).tier())
                .isEqualTo("mid");
    }

    @Test
    void aCacheOlderThanItsLifetimeIsGoneAndHoldsNothing() {
        turn("frontier", RouteCause.CLASSIFIER, 9_000);
        now = now.plus(ConversationTiers.CACHE_LIFETIME).plus(Duration.ofSeconds(1));
        assertThat(turn("mid", RouteCause.CLASSIFIER, 10_000).tier()).isEqualTo("mid");
    }

    @Test
    void turnsPastTheCacheLifetimeMakeRoomAsNewConversationsComeIn() {
        for (int i = 0; i < 3; i++) {
            tiers.remember("team", "old-" + i, decided("mid", RouteCause.CLASSIFIER), 100);
        }
        now = now.plus(ConversationTiers.CACHE_LIFETIME).plus(Duration.ofSeconds(1));
        for (int i = 0; i < 3; i++) {
            tiers.remember("team", "new-" + i, decided("mid", RouteCause.CLASSIFIER), 100);
        }
        assertThat(tiers.size()).as("each new conversation pushed out an expired one").isEqualTo(3);
        for (int i = 3; i < 6; i++) {
            tiers.remember("team", "new-" + i, decided("mid", RouteCause.CLASSIFIER), 100);
        }
        assertThat(tiers.size()).as("live ones stay").isEqualTo(6);
    }

    @Test
    void aRememberedConversationCostsAtMostTheBytesTheCapacityCountsOn() throws InterruptedException {
        int conversations = 50_000;
        ConversationTiers held = new ConversationTiers(Clock.systemUTC(), PRICES::get, conversations);
        java.util.Random random = new java.util.Random(3);
        byte[] fingerprint = new byte[16];
        long before = HeapInUse.afterGc();
        for (int i = 0; i < conversations; i++) {
            random.nextBytes(fingerprint);   // ConversationFingerprint's form: 32 hex digits
            held.remember("team", java.util.HexFormat.of().formatHex(fingerprint), decided("mid", RouteCause.CLASSIFIER),
                    1_000 + i);
        }
        double perTurn = (HeapInUse.afterGc() - before) / (double) conversations;
        assertThat(held.size()).isEqualTo(conversations);
        assertThat(perTurn).as("bytes per conversation").isBetween(50.0, (double) ConversationTiers.BYTES_PER_TURN);
    }
}
