package dev.tiergate.cache.internal;

import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One stored answer: the aggregate completion, the recorded chunks when it was streamed (else
 * null), where it came from, when it was stored (ticker nanos), its TTL and the heap bytes it takes.
 * Shared by the exact and the semantic cache; not API.
 */
public record CachedAnswer(
        ChatCompletion completion,
        List<ChatChunk> chunks,
        String provider,
        String model,
        String tier,
        long storedAtNanos,
        Duration ttl,
        int weight) {

    /**
     * The finish reasons of a complete answer (function_call: the legacy answer to
     * {@code functions}); anything else (content_filter, null) is not stored.
     */
    public static final Set<String> STORABLE_FINISH_REASONS = Set.of("stop", "length", "tool_calls", "function_call");

    /** The entry around an answer: key, this record, the cache's node and table slot. */
    private static final int ENTRY_OVERHEAD = 256;

    /** True when the completion has choices and every one ended in a storable way. */
    public static boolean storable(ChatCompletion completion) {
        if (completion == null || completion.choices().isEmpty()) {
            return false;
        }
        for (ChatCompletion.Choice choice : completion.choices()) {
            if (choice.finishReason() == null || !STORABLE_FINISH_REASONS.contains(choice.finishReason())) {
                return false;
            }
        }
        return true;
    }

    /** The bytes a cache entry holding {@code completion} takes on the heap ({@link AnswerFootprint}). */
    public static long weigh(ChatCompletion completion) {
        return ENTRY_OVERHEAD + AnswerFootprint.of(completion);
    }
}
