package dev.tiergate.router.policy;

/**
 * Which request features force at least {@code mid}, whatever the classifier says.
 *
 * @param tools             tools offered, or tool calls/results in the conversation
 * @param images            an image part in a message
 * @param jsonSchema        {@code response_format: json_schema}
 * @param longContextTokens a context of at least this many tokens; 0 turns the gate off
 */
public record GateSettings(boolean tools, boolean images, boolean jsonSchema, int longContextTokens) {
    public static final int DEFAULT_LONG_CONTEXT_TOKENS = 16_000;

    public GateSettings {
        if (longContextTokens < 0) {
            throw new IllegalArgumentException("long-context-tokens: " + longContextTokens + " (expected: >= 0)");
        }
    }

    /** Every gate on; long context from {@value #DEFAULT_LONG_CONTEXT_TOKENS} tokens. */
    public static GateSettings defaults() {
        return new GateSettings(true, true, true, DEFAULT_LONG_CONTEXT_TOKENS);
    }

    public static GateSettings none() {
        return new GateSettings(false, false, false, 0);
    }
}
