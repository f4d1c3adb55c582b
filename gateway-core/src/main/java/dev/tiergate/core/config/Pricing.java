package dev.tiergate.core.config;

import java.math.BigDecimal;

/** USD per million tokens. */
public record Pricing(BigDecimal inputPerMillion, BigDecimal outputPerMillion, BigDecimal cachedInputPerMillion) {
    public static final Pricing FREE = new Pricing(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
}
