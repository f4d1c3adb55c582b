package dev.tiergate.cache.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ContentPart;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.MessageContent;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.model.Usage;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What an answer's records hold on the heap, in bytes, as a 64-bit JVM with compressed pointers
 * lays them out (12-byte headers, 4-byte references, 8-byte alignment): every record, string, boxed
 * number, list, map of unknown fields and JSON tree in it. Field names and the JVM's shared
 * instances (small boxed numbers, {@code null} and boolean nodes, empty lists and maps) are shared
 * by all answers and not counted. {@code AnswerFootprintTest} holds it to what a heap walker
 * measures. The caches weigh what they keep with it, so that their byte bounds bound the heap.
 */
final class AnswerFootprint {
    private static final int HEADER = 12;
    private static final int REFERENCE = 4;
    private static final int ARRAY_HEADER = 16;
    /** A boxed Long or Double, a LongNode or DoubleNode (header, 8-byte value). */
    private static final int BOXED_LONG = 24;
    /** A boxed Integer or an IntNode (header, 4-byte value). */
    private static final int BOXED_INT = 16;
    /** A String's own fields (value, hash, coder, hashIsZero), without its bytes. */
    private static final int STRING = 24;
    /** {@code List.of(a)} or {@code List.of(a, b)}. */
    private static final int LIST12 = 24;
    /** A Jackson ObjectNode (its factory and children) and the LinkedHashMap of its children. */
    private static final int OBJECT_NODE = 24 + 64;
    /** One LinkedHashMap entry (hash, key, value, next, before, after). */
    private static final int LINKED_ENTRY = 40;
    /** A Jackson ArrayNode (its factory and children) and the ArrayList of its children. */
    private static final int ARRAY_NODE = 24 + 24;

    private AnswerFootprint() {
    }

    static long of(ChatCompletion completion) {
        long bytes = record(8) + string(completion.id()) + string(completion.object())
                + boxed(completion.created()) + string(completion.model()) + string(completion.systemFingerprint())
                + list(completion.choices()) + usage(completion.usage()) + fields(completion.extra());
        for (ChatCompletion.Choice choice : completion.choices()) {
            bytes += record(4) + boxed(choice.index()) + message(choice.message()) + string(choice.finishReason())
                    + fields(choice.extra());
        }
        return bytes;
    }

    /** A chunk alone. */
    static long of(ChatChunk chunk) {
        return of(chunk, null);
    }

    /** A chunk kept after {@code previous}: what it shares with it (the very same instances) is not counted again. */
    static long of(ChatChunk chunk, ChatChunk previous) {
        boolean after = previous != null;
        long bytes = record(8) + (after && chunk.id() == previous.id() ? 0 : string(chunk.id()))
                + (after && chunk.object() == previous.object() ? 0 : string(chunk.object()))
                + (after && chunk.created() == previous.created() ? 0 : boxed(chunk.created()))
                + (after && chunk.model() == previous.model() ? 0 : string(chunk.model()))
                + (after && chunk.systemFingerprint() == previous.systemFingerprint()
                        ? 0 : string(chunk.systemFingerprint()))
                + list(chunk.choices()) + usage(chunk.usage()) + fields(chunk.extra());
        for (ChatChunk.ChunkChoice choice : chunk.choices()) {
            bytes += record(5) + boxed(choice.index()) + node(choice.logprobs()) + string(choice.finishReason())
                    + fields(choice.extra());
            ChatChunk.Delta delta = choice.delta();
            if (delta != null) {
                bytes += record(4) + string(delta.role()) + string(delta.content()) + toolCalls(delta.toolCalls())
                        + fields(delta.extra());
            }
        }
        return bytes;
    }

    private static long message(Message message) {
        if (message == null) {
            return 0;
        }
        long bytes = record(6) + string(message.name()) + string(message.role()) + string(message.toolCallId())
                + toolCalls(message.toolCalls()) + fields(message.extra());
        if (message.content() instanceof MessageContent.Text text) {
            bytes += record(1) + string(text.text());
        } else if (message.content() instanceof MessageContent.Parts parts) {
            bytes += record(1) + list(parts.parts());
            for (ContentPart part : parts.parts()) {
                bytes += record(4) + string(part.type()) + string(part.text()) + fields(part.extra());
                if (part.imageUrl() != null) {
                    bytes += record(2) + string(part.imageUrl().url()) + string(part.imageUrl().detail());
                }
            }
        }
        return bytes;
    }

    private static long toolCalls(List<ToolCall> calls) {
        if (calls == null) {
            return 0;
        }
        long bytes = list(calls);
        for (ToolCall call : calls) {
            bytes += record(4) + boxed(call.index()) + string(call.id()) + string(call.type());
            if (call.function() != null) {
                bytes += record(2) + string(call.function().name()) + string(call.function().arguments());
            }
        }
        return bytes;
    }

    private static long usage(Usage usage) {
        if (usage == null) {
            return 0;
        }
        return record(4) + boxed(usage.promptTokens()) + boxed(usage.completionTokens())
                + boxed(usage.totalTokens()) + fields(usage.extra());
    }

    /** A map of unknown fields as the model keeps it: one array of names and values. */
    private static long fields(Map<String, JsonNode> fields) {
        if (fields.isEmpty()) {
            return 0;
        }
        long bytes = record(1) + align(ARRAY_HEADER + 2L * REFERENCE * fields.size());
        for (JsonNode value : fields.values()) {
            bytes += node(value);
        }
        return bytes;
    }

    /** A JSON tree as Jackson builds it. */
    static long node(JsonNode node) {
        if (node == null) {
            return 0;
        }
        return switch (node.getNodeType()) {
            case STRING -> 16 + string(node.textValue());
            case NUMBER -> node.isInt() ? (node.intValue() >= -1 && node.intValue() <= 10 ? 0 : BOXED_INT)
                    : node.isLong() || node.isDouble() || node.isFloat() ? BOXED_LONG
                    : 16 + STRING + align(ARRAY_HEADER + node.asText().length()) + 24;
            case OBJECT -> {
                long bytes = OBJECT_NODE + table(node.size());
                for (Iterator<JsonNode> values = node.elements(); values.hasNext(); ) {
                    bytes += LINKED_ENTRY + node(values.next());
                }
                yield bytes;
            }
            case ARRAY -> {
                long bytes = ARRAY_NODE + align(ARRAY_HEADER + (long) REFERENCE * Math.max(10, node.size()));
                for (JsonNode element : node) {
                    bytes += node(element);
                }
                yield bytes;
            }
            case BINARY, POJO -> 16 + node.toString().length();
            default -> 0;   // null, true, false, missing: one instance each for the whole process
        };
    }

    /** A HashMap's table for {@code size} entries (16 slots, doubled past three quarters full). */
    private static long table(int size) {
        int slots = 16;
        while (size > slots * 3 / 4) {
            slots *= 2;
        }
        return size == 0 ? 0 : align(ARRAY_HEADER + (long) REFERENCE * slots);
    }

    private static long record(int references) {
        return align(HEADER + (long) REFERENCE * references);
    }

    private static long list(List<?> list) {
        int size = list.size();
        if (size == 0) {
            return 0;
        }
        return size <= 2 ? LIST12 : 16 + align(ARRAY_HEADER + (long) REFERENCE * size);
    }

    private static long boxed(Long value) {
        return value == null || (value >= -128 && value <= 127) ? 0 : BOXED_LONG;
    }

    private static long boxed(Integer value) {
        return value == null || (value >= -128 && value <= 127) ? 0 : BOXED_INT;
    }

    /** A string and its bytes: one a character when all are Latin-1, else two. */
    static long string(String s) {
        if (s == null) {
            return 0;
        }
        return STRING + align(ARRAY_HEADER + (long) s.length() * (latin1(s) ? 1 : 2));
    }

    private static boolean latin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                return false;
            }
        }
        return true;
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}
