package dev.tiergate.core.accounting;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.model.Usage;

/**
 * The tokens of one answer: input (prompt, cached and cache-written ones included), output, the
 * part of the input the provider read from its prompt cache, the parts it wrote to it (at the
 * 5-minute and at the 1-hour price), and where the numbers come from. The parts of the input
 * never add up to more than the input: reads first, then 5-minute writes, then 1-hour writes are
 * cut to what is left.
 */
public record TokenCounts(long input, long output, long cachedInput, long cacheWrite, long cacheWrite1h,
                          TokensSource source) {
    public TokenCounts {
        requireNonNull(source, "source");
        if (input < 0 || output < 0 || cachedInput < 0 || cacheWrite < 0 || cacheWrite1h < 0) {
            throw new IllegalArgumentException("token counts: " + input + "/" + output + "/" + cachedInput + "/"
                    + cacheWrite + "/" + cacheWrite1h + " (expected: >= 0)");
        }
        cachedInput = Math.min(cachedInput, input);
        cacheWrite = Math.min(cacheWrite, input - cachedInput);
        cacheWrite1h = Math.min(cacheWrite1h, input - cachedInput - cacheWrite);
    }

    /** Counts without cache writes. */
    public TokenCounts(long input, long output, long cachedInput, TokensSource source) {
        this(input, output, cachedInput, 0, 0, source);
    }

    /** The counts of a provider's usage, or null when it gives no prompt or completion count. */
    public static TokenCounts fromUsage(Usage usage) {
        if (usage == null || usage.promptTokens() == null || usage.completionTokens() == null) {
            return null;
        }
        int writes1h = usage.cacheWrite1hTokens();
        return new TokenCounts(usage.promptTokens(), usage.completionTokens(), usage.cachedTokens(),
                Math.max(0, usage.cacheWriteTokens() - writes1h), writes1h, TokensSource.PROVIDER);
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

    /** Input neither read from nor written to the provider's prompt cache. */
    public long uncachedInput() {
        return input - cachedInput - cacheWrite - cacheWrite1h;
    }

    /** Every cache write, 5-minute and 1-hour. */
    public long cacheWrites() {
        return cacheWrite + cacheWrite1h;
    }

    /** The same tokens as if the provider had no prompt cache: all input at the input price. */
    public TokenCounts withoutPromptCache() {
        return new TokenCounts(input, output, 0, 0, 0, source);
    }

    public long total() {
        return input + output;
    }
}
