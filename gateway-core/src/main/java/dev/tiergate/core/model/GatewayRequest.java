package dev.tiergate.core.model;

/**
 * A request the gateway answers for money: a chat completion or embeddings. Every such request
 * enters the same pipeline runtime (limits, accounting, resilience); stages that only concern
 * chat pass the others on.
 */
public sealed interface GatewayRequest permits ChatRequest, EmbeddingRequest {

    /** The model (or alias) the client asked for, as sent. */
    String model();
}
