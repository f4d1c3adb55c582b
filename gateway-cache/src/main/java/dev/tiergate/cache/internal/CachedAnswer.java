package dev.tiergate.cache.internal;

import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One stored answer: the aggregate completion, the recorded chunks when it was streamed (else
 * null), where it came from, when it was stored (ticker nanos), its TTL and approximate size.
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

    private static final int ENTRY_OVERHEAD = 256;
    private static final int CHOICE_OVERHEAD = 96;
    private static final int CHUNK_OVERHEAD = 160;
    private static final int TOOL_CALL_OVERHEAD = 64;

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

    /** Approximate bytes of a completion held in memory (strings count two bytes a char). */
    public static long weigh(ChatCompletion completion) {
        long bytes = ENTRY_OVERHEAD;
        for (ChatCompletion.Choice choice : completion.choices()) {
            bytes += CHOICE_OVERHEAD;
            if (choice.message() != null) {
                bytes += 2L * choice.message().text().length();
                bytes += weighToolCalls(choice.message().toolCalls());
            }
        }
        return bytes;
    }

    /** Approximate bytes of one recorded chunk. */
    public static long weigh(ChatChunk chunk) {
        long bytes = CHUNK_OVERHEAD;
        for (ChatChunk.ChunkChoice choice : chunk.choices()) {
            if (choice.delta() != null) {
                bytes += choice.delta().content() == null ? 0 : 2L * choice.delta().content().length();
                bytes += weighToolCalls(choice.delta().toolCalls());
            }
        }
        return bytes;
    }

    private static long weighToolCalls(List<ToolCall> calls) {
        if (calls == null) {
            return 0;
        }
        long bytes = 0;
        for (ToolCall call : calls) {
            bytes += TOOL_CALL_OVERHEAD;
            if (call.id() != null) {
                bytes += 2L * call.id().length();
            }
            if (call.function() != null) {
                bytes += call.function().name() == null ? 0 : 2L * call.function().name().length();
                bytes += call.function().arguments() == null ? 0 : 2L * call.function().arguments().length();
            }
        }
        return bytes;
    }
}
