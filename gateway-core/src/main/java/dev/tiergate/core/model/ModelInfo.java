package dev.tiergate.core.model;

/** An entry of {@code GET /v1/models}. */
public record ModelInfo(String id, String object, long created, String ownedBy) {
    public static ModelInfo of(String id, String ownedBy) {
        return new ModelInfo(id, "model", 0L, ownedBy);
    }
}
