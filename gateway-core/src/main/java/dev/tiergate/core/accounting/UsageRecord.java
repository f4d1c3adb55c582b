package dev.tiergate.core.accounting;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * What one answered request used and cost: who asked (team, key id, never the key), what was
 * asked for and what answered, the cache outcome, the tokens and where they were counted, the
 * cost, and the saving against the baseline with its reason. Durable: the usage stores append it
 * as one JSON object ({@link UsageJson}).
 *
 * <p>{@code cachedTokens} are input tokens read from the provider's prompt cache,
 * {@code cacheWriteTokens} those written to it (all lifetimes), {@code cacheWrite1hTokens} the part
 * of the writes kept for an hour. {@code ledger} splits the saving by reason against the baseline
 * cost ({@link SavingsLedger}); {@code savingUsd} is its sum. A record written before ledgers
 * existed reads with a ledger made from its saving and reason ({@link SavingsLedger#legacy}).
 *
 * <p>{@code outcome} is {@code complete}, {@code error} (a stream that failed after it started)
 * or {@code cancelled} (the client went away); the provider charges for partial answers too. An
 * upstream attempt whose answer the client did not get has its own record, the attempt's reason
 * as outcome: {@code discarded}, {@code abandoned} or {@code escalated}.
 */
public record UsageRecord(
        String requestId,
        Instant timestamp,
        String team,
        String keyId,
        String requestedModel,
        String model,
        String provider,
        String tier,
        String cache,
        boolean stream,
        String outcome,
        long inputTokens,
        long outputTokens,
        long cachedTokens,
        TokensSource tokensSource,
        BigDecimal costUsd,
        BigDecimal savingUsd,
        SavingReason savingReason,
        String baselineModel,
        long cacheWriteTokens,
        long cacheWrite1hTokens,
        SavingsLedger ledger) {

    public static final String COMPLETE = "complete";
    public static final String ERROR = "error";
    public static final String CANCELLED = "cancelled";
    /** The {@code cache} value of a shadow call ({@link SavingReason#SHADOW_CHECK}): it passed no cache. */
    public static final String SHADOW_CHECK_CACHE = "shadow-check";
    /** An answer a cascade checked and escalated to a stronger tier (the client got the stronger one). */
    public static final String ESCALATED = "escalated";

    public UsageRecord {
        requireNonNull(requestId, "requestId");
        requireNonNull(timestamp, "timestamp");
        requireNonNull(team, "team");
        requireNonNull(costUsd, "costUsd");
        requireNonNull(savingUsd, "savingUsd");
        requireNonNull(savingReason, "savingReason");
        requireNonNull(tokensSource, "tokensSource");
        if (ledger == null) {
            ledger = SavingsLedger.legacy(Costs.toNanos(costUsd), Costs.toNanos(savingUsd), savingReason, cache);
        }
    }

    /** A record without cache writes, its ledger made from its saving and reason. */
    public UsageRecord(String requestId, Instant timestamp, String team, String keyId, String requestedModel,
                       String model, String provider, String tier, String cache, boolean stream, String outcome,
                       long inputTokens, long outputTokens, long cachedTokens, TokensSource tokensSource,
                       BigDecimal costUsd, BigDecimal savingUsd, SavingReason savingReason, String baselineModel) {
        this(requestId, timestamp, team, keyId, requestedModel, model, provider, tier, cache, stream, outcome,
                inputTokens, outputTokens, cachedTokens, tokensSource, costUsd, savingUsd, savingReason, baselineModel,
                0, 0, null);
    }

    /**
     * This record as the cost of a shadow call of online verification: priced as it is, reason
     * {@link SavingReason#SHADOW_CHECK}, cache {@value #SHADOW_CHECK_CACHE} (so {@code /v1/usage}
     * shows shadow calls apart in {@code by_cache}), no baseline: its whole cost is a negative saving.
     */
    public UsageRecord asShadowCheck() {
        SavingsLedger spend = SavingsLedger.extraSpend(SavingReason.SHADOW_CHECK, costNanos());
        return new UsageRecord(requestId, timestamp, team, keyId, requestedModel, model, provider, tier,
                SHADOW_CHECK_CACHE, stream, outcome, inputTokens, outputTokens, cachedTokens, tokensSource, costUsd,
                Costs.fromNanos(spend.savingNanos()), SavingReason.SHADOW_CHECK, null, cacheWriteTokens,
                cacheWrite1hTokens, spend);
    }

    /** The UTC day the request was answered: the grain of the usage totals. */
    @JsonIgnore
    public LocalDate day() {
        return LocalDate.ofInstant(timestamp, ZoneOffset.UTC);
    }

    @JsonIgnore
    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    @JsonIgnore
    public long costNanos() {
        return Costs.toNanos(costUsd);
    }

    @JsonIgnore
    public long savingNanos() {
        return Costs.toNanos(savingUsd);
    }
}
