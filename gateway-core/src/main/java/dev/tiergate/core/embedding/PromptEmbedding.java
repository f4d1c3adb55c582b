package dev.tiergate.core.embedding;

import static java.util.Objects.requireNonNull;

/**
 * The embedding of a request's last user message, computed once per request (by the semantic
 * cache, or by the router when that stage is off) and shared through
 * {@link dev.tiergate.core.pipeline.Attributes#PROMPT_EMBEDDING}.
 */
public record PromptEmbedding(String modelId, float[] vector) {
    public PromptEmbedding {
        requireNonNull(modelId, "modelId");
        requireNonNull(vector, "vector");
    }
}
