package dev.tiergate.core.pipeline;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.EmbeddingResponse;
import reactor.core.publisher.Flux;

/**
 * What the pipeline answers: the body only. Where it came from (provider, model, tier, cache,
 * route, cost) are typed facts of the request ({@link RequestFacts}), not part of the answer.
 */
public sealed interface Answer {

    /** A non-streamed chat completion. */
    record Complete(ChatCompletion completion) implements Answer {
        public Complete {
            requireNonNull(completion, "completion");
        }
    }

    /**
     * A streamed chat answer. The flux is cold and single-use: subscribing starts the upstream call,
     * cancelling closes it. It carries the provider's usage chunk (adapters always ask for it); the
     * server hides that chunk from a client that did not ask for usage.
     */
    record Stream(Flux<ChatChunk> chunks) implements Answer {
        public Stream {
            requireNonNull(chunks, "chunks");
        }

        public Stream withChunks(Flux<ChatChunk> newChunks) {
            return new Stream(newChunks);
        }
    }

    /** An embeddings response. */
    record Embeddings(EmbeddingResponse response) implements Answer {
        public Embeddings {
            requireNonNull(response, "response");
        }
    }
}
