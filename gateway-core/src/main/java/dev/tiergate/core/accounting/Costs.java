package dev.tiergate.core.accounting;

import dev.tiergate.core.config.Pricing;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Prices tokens exactly: input tokens neither read from nor written to the provider's prompt cache
 * at the input price, cache reads at the cached-input price, cache writes at the 5-minute or the
 * 1-hour write price, output tokens at the output price, all in USD per million tokens. Counters
 * keep USD as whole nano-dollars.
 */
public final class Costs {
    private Costs() {
    }

    /** The cost in USD of {@code tokens} at {@code pricing}, exact (no rounding). */
    public static BigDecimal usd(TokenCounts tokens, Pricing pricing) {
        BigDecimal perMillion = BigDecimal.valueOf(tokens.uncachedInput()).multiply(pricing.inputPerMillion())
                .add(BigDecimal.valueOf(tokens.cachedInput()).multiply(pricing.cachedInputPerMillion()))
                .add(BigDecimal.valueOf(tokens.cacheWrite()).multiply(pricing.cacheWritePerMillion()))
                .add(BigDecimal.valueOf(tokens.cacheWrite1h()).multiply(pricing.cacheWrite1hPerMillion()))
                .add(BigDecimal.valueOf(tokens.output()).multiply(pricing.outputPerMillion()));
        return normalize(perMillion.movePointLeft(6));
    }

    /** Whole nano-dollars (1e-9 USD), rounded half up: the unit of every counter. */
    public static long toNanos(BigDecimal usd) {
        return usd.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    public static BigDecimal fromNanos(long nanos) {
        return normalize(BigDecimal.valueOf(nanos, 9));
    }

    /** Without trailing zeros, and never in exponent form when printed with toPlainString. */
    static BigDecimal normalize(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
