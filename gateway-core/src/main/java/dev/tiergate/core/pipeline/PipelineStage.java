package dev.tiergate.core.pipeline;

import java.util.concurrent.CompletionStage;

/**
 * One stage of the chat pipeline, an interceptor. Work before {@code chain.proceed(..)} is the
 * pre-hook; returning without proceeding answers the request (a cache hit); wrapping what
 * {@code proceed} returns is the post-hook (recording an answer). Stages run in ascending
 * {@link #order()}.
 */
public interface PipelineStage {

    /** Short stable name for logs and metrics, e.g. {@code exact-cache}. */
    String name();

    int order();

    FailurePolicy failurePolicy();

    CompletionStage<ChatResult> handle(ChatExchange exchange, StageChain chain);

    /** The rest of the pipeline after a stage. */
    @FunctionalInterface
    interface StageChain {
        CompletionStage<ChatResult> proceed(ChatExchange exchange);
    }
}
