package dev.tiergate.cache.semantic;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The plain bytes of a semantic cache entry's answer part, sealed before it is stored
 * ({@link dev.tiergate.cache.semantic.sealing.CacheKeys}): JSON of the completion, the recorded
 * chunks (when streamed), where it came from and when. The prompt is not part of it.
 */
final class AnswerCodec {
    private static final ObjectWriter WRITER = Json.mapper().writerFor(StoredAnswer.class);
    private static final ObjectReader READER = Json.mapper().readerFor(StoredAnswer.class);

    /** A stored answer. */
    record StoredAnswer(ChatCompletion completion, List<ChatChunk> chunks, String provider, String model,
                        String tier, long storedAtMillis) {
    }

    private AnswerCodec() {
    }

    static byte[] encode(StoredAnswer answer) {
        try {
            return WRITER.writeValueAsBytes(answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static StoredAnswer decode(byte[] json) {
        try {
            return READER.readValue(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("answer is not valid JSON: " + e.getMessage(), e);
        }
    }
}
