package dev.tiergate.core.tokens;

import dev.tiergate.core.model.ChatRequest;

/**
 * Counts tokens as a model's tokenizer does, where the gateway must know a count without asking
 * the provider: usage when a provider reports none, the demo provider's usage, and the router's
 * length feature and long-context gate. The composition root builds one and passes it to all of
 * them. Implementations are thread-safe and load their vocabulary when built, never on first use:
 * an event loop may call them.
 */
public interface TokenCounter {

    /** The encoding's name, e.g. {@code o200k_base}. */
    String encoding();

    /** The tokens of a text, special tokens read as plain text; 0 for null or empty. */
    int text(CharSequence text);

    /**
     * The prompt tokens of a chat request as OpenAI counts them: every message's role, name, text
     * and tool calls, plus the framing tokens around each message and before the reply.
     */
    int prompt(ChatRequest request);
}
