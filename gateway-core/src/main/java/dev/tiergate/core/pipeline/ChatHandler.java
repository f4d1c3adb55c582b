package dev.tiergate.core.pipeline;

import java.util.concurrent.CompletionStage;

/** Answers a chat exchange; the pipeline's end is the one that calls a provider. */
@FunctionalInterface
public interface ChatHandler {
    CompletionStage<ChatResult> handle(ChatExchange exchange);
}
