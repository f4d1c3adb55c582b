package dev.tiergate.cache.exact;

import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns a stored answer back into what a request asked for, under a fresh id and creation time. */
final class Replay {
    private Replay() {
    }

    static ChatCompletion completion(CachedAnswer answer, String id, long created) {
        return answer.completion().withIdentity(id, created);
    }

    /**
     * The recorded chunks when the answer was streamed, else chunks made from the aggregate. The
     * usage-only chunk is sent exactly when the request asked for it ({@code include_usage}).
     */
    static List<ChatChunk> chunks(CachedAnswer answer, boolean includeUsage, String id, long created) {
        List<ChatChunk> source = answer.chunks() != null ? answer.chunks() : fromCompletion(answer.completion());
        List<ChatChunk> out = new ArrayList<>(source.size() + 1);
        boolean usageSent = false;
        for (ChatChunk chunk : source) {
            if (chunk.usage() != null) {
                if (includeUsage) {
                    usageSent = true;
                } else if (chunk.choices().isEmpty()) {
                    continue;
                } else {
                    chunk = withoutUsage(chunk);
                }
            }
            out.add(chunk.withIdentity(id, created));
        }
        ChatCompletion completion = answer.completion();
        if (includeUsage && !usageSent && completion.usage() != null) {
            out.add(new ChatChunk(id, ChatChunk.OBJECT, created, completion.model(), List.of(), completion.usage(),
                    completion.systemFingerprint(), Map.of()));
        }
        return out;
    }

    /** Per choice: a role chunk, the content, the tool calls, a finish chunk. No usage chunk. */
    static List<ChatChunk> fromCompletion(ChatCompletion completion) {
        List<ChatChunk> chunks = new ArrayList<>();
        for (ChatCompletion.Choice choice : completion.choices()) {
            int index = choice.index() == null ? 0 : choice.index();
            String role = choice.message() == null || choice.message().role() == null
                    ? "assistant" : choice.message().role();
            List<ToolCall> calls = choice.message() == null ? null : choice.message().toolCalls();
            String text = choice.message() == null ? "" : choice.message().text();
            boolean hasCalls = calls != null && !calls.isEmpty();
            chunks.add(chunk(completion, index, new ChatChunk.Delta(role, hasCalls ? null : "", null, Map.of()),
                    null));
            if (!text.isEmpty()) {
                chunks.add(chunk(completion, index, ChatChunk.Delta.content(text), null));
            }
            if (hasCalls) {
                for (int i = 0; i < calls.size(); i++) {
                    ToolCall call = calls.get(i);
                    ToolCall fragment = new ToolCall(i, call.id(), call.type(), call.function());
                    chunks.add(chunk(completion, index, new ChatChunk.Delta(null, null, List.of(fragment), Map.of()),
                            null));
                }
            }
            chunks.add(chunk(completion, index, new ChatChunk.Delta(null, null, null, Map.of()),
                    choice.finishReason()));
        }
        return chunks;
    }

    private static ChatChunk chunk(ChatCompletion completion, int index, ChatChunk.Delta delta, String finishReason) {
        return new ChatChunk(completion.id(), ChatChunk.OBJECT, completion.created(), completion.model(),
                List.of(new ChatChunk.ChunkChoice(index, delta, finishReason, Map.of())), null,
                completion.systemFingerprint(), Map.of());
    }

    private static ChatChunk withoutUsage(ChatChunk chunk) {
        return new ChatChunk(chunk.id(), chunk.object(), chunk.created(), chunk.model(), chunk.choices(), null,
                chunk.systemFingerprint(), chunk.extra());
    }
}
