package dev.tiergate.core.pipeline;

import java.util.concurrent.CompletionStage;

/** The end of a pipeline: answers an exchange (the provider dispatcher). */
@FunctionalInterface
public interface Terminal {
    CompletionStage<Answer> answer(Exchange exchange);
}
