package dev.tiergate.core.accounting;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.model.Usage;

/**
 * The tokens of one answer: input (prompt, cached ones included), output, the part of the input
 * the provider served from its prompt cache, and where the numbers come from.
 */
public record TokenCounts(long input, long output, long cachedInput, TokensSource source) {
    public TokenCounts {
        requireNonNull(source, "source");
        if (input < 0 || output < 0 || cachedInput < 0) {
            throw new IllegalArgumentException("token counts: " + input + "/" + output + "/" + cachedInput
                    + " (expected: >= 0)");
        }
        cachedInput = Math.min(cachedInput, input);
    }

    /** The counts of a provider's usage, or null when it gives no prompt or completion count. */
    public static TokenCounts fromUsage(Usage usage) {
        if (usage == null || usage.promptTokens() == null || usage.completionTokens() == null) {
            return null;
        }
        return new TokenCounts(usage.promptTokens(), usage.completionTokens(), usage.cachedTokens(),
                TokensSource.PROVIDER);
    }

    /** An embeddings call's usage: input tokens only; null when the provider reported none. */
    public static TokenCounts fromEmbeddingUsage(Usage usage) {
        if (usage == null || usage.promptTokens() == null) {
            return null;
        }
        return new TokenCounts(usage.promptTokens(), 0, 0, TokensSource.PROVIDER);
    }

    public static TokenCounts estimated(long input, long output) {
        return new TokenCounts(input, output, 0, TokensSource.ESTIMATED);
    }

    public long total() {
        return input + output;
    }
}
