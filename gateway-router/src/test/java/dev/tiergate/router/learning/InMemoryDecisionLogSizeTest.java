package dev.tiergate.router.learning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.testing.HeapInUse;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What one routed request costs the heap in the in-memory decision log, measured: the cap that keeps
 * the log in its share of the heap divides by {@link InMemoryDecisionLog#BYTES_PER_DECISION}, so a
 * decision larger than that would let the log outgrow its share.
 */
class InMemoryDecisionLogSizeTest {
    private static final int DECISIONS = 50_000;

    @Test
    void aRoutedRequestWithItsFingerprintAndClaimsCostsAtMostTheBytesTheCapCountsOn() throws InterruptedException {
        Random random = new Random(7);
        InMemoryDecisionLog log = new InMemoryDecisionLog(Duration.ofHours(1), DECISIONS, DECISIONS, Clock.systemUTC());
        long before = HeapInUse.afterGc();
        for (int i = 0; i < DECISIONS; i++) {
            // as LearningRouter logs one: a fresh request id and cell key, shared team, alias, tier and cause strings
            String id = "req_" + hex(random);
            log.record(new LoggedDecision(id, "demo", "auto", new Cell("auto", i % 16, "small").key(), i % 16,
                    0.03 + i * 1e-9, 30, "small", "small", 0.95, 0.1, "classifier", System.currentTimeMillis()));
            log.swapFingerprint("demo", hex(random), id, Duration.ofMinutes(5));
            log.claim(id, LearningRouter.IMPLICIT);
            log.claim(id, LearningRouter.EXPLICIT);
        }
        double perDecision = (HeapInUse.afterGc() - before) / (double) DECISIONS;
        assertThat(log.size()).isEqualTo(2 * DECISIONS);
        assertThat(perDecision).as("bytes per routed request").isBetween(100.0,
                (double) InMemoryDecisionLog.BYTES_PER_DECISION);
    }

    private static String hex(Random random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
