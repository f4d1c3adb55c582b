package dev.tiergate.core.pipeline;

import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import reactor.core.publisher.Flux;

/** The answer to a chat request: a complete completion, or a stream of chunks. */
public sealed interface ChatResult {

    ResultMetadata metadata();

    ChatResult withMetadata(ResultMetadata metadata);

    /** A non-streamed answer. */
    record Complete(ChatCompletion completion, ResultMetadata metadata) implements ChatResult {
        @Override
        public Complete withMetadata(ResultMetadata newMetadata) {
            return new Complete(completion, newMetadata);
        }
    }

    /**
     * A streamed answer. The flux is cold and single-use: subscribing starts the upstream call,
     * cancelling closes it. An error before the first chunk can still become an HTTP error.
     */
    record Streaming(Flux<ChatChunk> chunks, ResultMetadata metadata) implements ChatResult {
        @Override
        public Streaming withMetadata(ResultMetadata newMetadata) {
            return new Streaming(chunks, newMetadata);
        }

        public Streaming withChunks(Flux<ChatChunk> newChunks) {
            return new Streaming(newChunks, metadata);
        }
    }
}
