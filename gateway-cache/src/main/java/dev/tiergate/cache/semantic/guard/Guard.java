package dev.tiergate.cache.semantic.guard;

/**
 * A cheap lexical check that refuses a semantic hit although the two prompts' embeddings are
 * close: embeddings of short prompts barely move when a number or a "not" changes. Each guard
 * compares {@link PromptFeatures} of the two prompts; see {@code docs/semantic-cache.md} for what
 * each one costs in recall and gains in precision.
 */
public enum Guard {
    /** The numbers (digits and number words) and the arithmetic operators between them, in order, must be equal. */
    NUMBERS,
    /** Both prompts are negated (not, no, never, n't, without, ...) or neither is. */
    NEGATION,
    /** The same capitalised names (mid-sentence capitals, acronyms), case-insensitively, as a set. */
    ENTITIES,
    /** The same quoted or back-ticked strings, in order. */
    QUOTED,
    /** No opposite polar words: best/worst, most/least, more/less, before/after, advantages/disadvantages... */
    POLARITY,
    /** The same leading question word (what, why, how, ...). */
    QUESTION_WORD
}
