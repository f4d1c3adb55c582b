package dev.tiergate.core.accounting;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a record's token counts come from: the provider's usage, or our own tokenizer. */
public enum TokensSource {
    /** The provider reported usage (or, for a cache hit, the stored answer carries it). */
    PROVIDER("provider"),
    /** No usage came back (a stream without {@code include_usage}, or one that ended early): counted with jtokkit. */
    ESTIMATED("estimated");

    private final String value;

    TokensSource(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }
}
