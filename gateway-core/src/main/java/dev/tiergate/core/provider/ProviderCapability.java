package dev.tiergate.core.provider;

/** What an adapter can do; contract tests and routing gate on these. */
public enum ProviderCapability {
    CHAT,
    CHAT_STREAM,
    TOOLS,
    IMAGES,
    EMBEDDINGS
}
