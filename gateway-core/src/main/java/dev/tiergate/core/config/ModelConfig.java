package dev.tiergate.core.config;

/**
 * A model clients may name, under {@code models:}: served by {@code provider} as
 * {@code upstreamModel}. {@code kind} is {@code chat} or {@code embedding}.
 */
public record ModelConfig(String name, String provider, String upstreamModel, String kind, Pricing pricing) {
    public static final String CHAT = "chat";
    public static final String EMBEDDING = "embedding";

    public boolean isEmbedding() {
        return EMBEDDING.equals(kind);
    }
}
