package dev.tiergate.core.pipeline;

import dev.tiergate.core.embedding.PromptEmbedding;

/** Attribute keys shared between stages and the dispatcher. */
public final class Attributes {
    /** The embedding of the last user message, shared by the semantic cache and the router. */
    public static final AttributeKey<PromptEmbedding> PROMPT_EMBEDDING =
            AttributeKey.of("prompt-embedding", PromptEmbedding.class);

    /** The tier a router chose for an alias model; the dispatcher picks that tier's models. */
    public static final AttributeKey<String> TIER = AttributeKey.of("tier", String.class);

    private Attributes() {
    }
}
