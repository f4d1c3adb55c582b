package dev.tiergate.core.config;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * USD per million tokens: input, output, input read from the provider's prompt cache, and input
 * written to it (Anthropic bills writes that live 5 minutes and 1 hour at different prices; other
 * providers bill no writes, their write prices are the input price).
 */
public record Pricing(BigDecimal inputPerMillion, BigDecimal outputPerMillion, BigDecimal cachedInputPerMillion,
                      BigDecimal cacheWritePerMillion, BigDecimal cacheWrite1hPerMillion) {
    public static final Pricing FREE = new Pricing(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);

    public Pricing {
        requireNonNull(inputPerMillion, "inputPerMillion");
        requireNonNull(outputPerMillion, "outputPerMillion");
        requireNonNull(cachedInputPerMillion, "cachedInputPerMillion");
        requireNonNull(cacheWritePerMillion, "cacheWritePerMillion");
        requireNonNull(cacheWrite1hPerMillion, "cacheWrite1hPerMillion");
    }

    /** A price whose cache writes cost what input costs (no write premium). */
    public Pricing(BigDecimal inputPerMillion, BigDecimal outputPerMillion, BigDecimal cachedInputPerMillion) {
        this(inputPerMillion, outputPerMillion, cachedInputPerMillion, inputPerMillion, inputPerMillion);
    }
}
