package dev.tiergate.server.config;

import dev.tiergate.core.config.Pricing;
import java.math.BigDecimal;

/**
 * The prompt-cache prices a provider documents as multiples of the input price, for a model whose
 * {@code price} sets only input (and output): Anthropic reads at 0.1x, writes at 1.25x (5 minutes)
 * and 2x (1 hour); Gemini reads at 0.25x (the implicit-caching discount of the 2.5 models) and
 * bills no writes; OpenAI-compatible servers and the rest at the input price (OpenAI's own
 * discounts differ by model and come from the bundled list).
 */
record PromptCacheMultipliers(BigDecimal read, BigDecimal write, BigDecimal write1h) {
    static final PromptCacheMultipliers ANTHROPIC = new PromptCacheMultipliers(new BigDecimal("0.1"),
            new BigDecimal("1.25"), new BigDecimal("2"));
    static final PromptCacheMultipliers GEMINI = new PromptCacheMultipliers(new BigDecimal("0.25"), BigDecimal.ONE,
            BigDecimal.ONE);
    static final PromptCacheMultipliers NONE = new PromptCacheMultipliers(BigDecimal.ONE, BigDecimal.ONE,
            BigDecimal.ONE);

    /** The multipliers of a provider {@code type} ({@code anthropic}, {@code gemini}, ...; null: none). */
    static PromptCacheMultipliers of(String providerType) {
        return switch (providerType == null ? "" : providerType) {
            case "anthropic" -> ANTHROPIC;
            case "gemini" -> GEMINI;
            default -> NONE;
        };
    }

    /** The price with these multiples of {@code input} for cache reads and writes (output left 0). */
    Pricing apply(BigDecimal input) {
        return new Pricing(input, BigDecimal.ZERO, input.multiply(read), input.multiply(write), input.multiply(write1h));
    }
}
