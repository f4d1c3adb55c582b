package dev.tiergate.providers.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatChunk.ChunkChoice;
import dev.tiergate.core.model.ChatChunk.Delta;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.MessageContent;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.model.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads OpenAI's answers, a {@code chat.completion.chunk} payload or a whole
 * {@code chat.completion} body, with a hand-written walk over Jackson's token stream: the modelled
 * fields straight into the records, only fields we do not model (kept in {@code extra}) as trees,
 * no data binding; a chunk of the usual shape is read from its bytes by {@link OpenAiChunkBytes}
 * first, without a parser. Gives the very records {@code OpenAiJson.reader()} binds
 * ({@code OpenAiAnswerScanTest} holds the two equal over a corpus and random variants). A body
 * whose shape is not the usual one (a number where text is expected, a float index, a null in a
 * list, content as parts, malformed JSON: what data binding coerces or rejects) is handed to data
 * binding as it is, so that its outcome, answer or failure, stays the binder's.
 */
final class OpenAiAnswerScan {
    private static final ObjectMapper JSON = OpenAiJson.reader();

    private OpenAiAnswerScan() {
    }

    /** The chunk of {@code payload}, or null when it is not one (not JSON, not an object, fields of the wrong types). */
    static ChatChunk chunk(byte[] payload) {
        ChatChunk chunk = OpenAiChunkBytes.read(payload);
        if (chunk != null) {
            return chunk;
        }
        chunk = scanChunk(payload);
        if (chunk != null) {
            return chunk;
        }
        try {
            return JSON.readValue(payload, ChatChunk.class);
        } catch (IOException e) {
            return null;
        }
    }

    /** The chunk as the scan reads it, or null when the payload is not of the usual shape (read it by binding). */
    static ChatChunk scanChunk(byte[] payload) {
        return scan(payload, p -> readAnswer(p, OpenAiAnswerScan::choice, ChatChunk::new));
    }

    /**
     * The completion of a plain answer's {@code body}, as {@code OpenAiJson.reader()} reads it:
     * null for a JSON {@code null}, an {@link IOException} for what is not a completion.
     */
    static ChatCompletion completion(byte[] body) throws IOException {
        ChatCompletion completion = scanCompletion(body);
        return completion != null ? completion : JSON.readValue(body, ChatCompletion.class);
    }

    /** The completion as the scan reads it, or null when the body is not of the usual shape (read it by binding). */
    static ChatCompletion scanCompletion(byte[] body) {
        return scan(body, p -> readAnswer(p, OpenAiAnswerScan::completionChoice, ChatCompletion::new));
    }

    private static <T> T scan(byte[] json, ObjectReading<T> reading) {
        try (JsonParser p = JSON.createParser(json)) {
            return p.nextToken() == JsonToken.START_OBJECT ? reading.read(p) : null;
        } catch (IOException | Unusual e) {
            return null;
        }
    }

    /** Reads the object whose start the parser stands on. */
    private interface ObjectReading<T> {
        T read(JsonParser p) throws IOException;
    }

    /** Reads the value at the token the parser stands on. */
    private interface ValueReading<T> {
        T read(JsonParser p, JsonToken t) throws IOException;
    }

    /** A chunk's or a completion's constructor. */
    private interface AnswerMaking<C, T> {
        T make(String id, String object, Long created, String model, List<C> choices, Usage usage,
               String systemFingerprint, Map<String, JsonNode> extra);
    }

    /** A chunk or a completion: the same fields around choices of their own kind. */
    private static <C, T> T readAnswer(JsonParser p, ValueReading<C> choice, AnswerMaking<C, T> making)
            throws IOException {
        String id = null;
        String object = null;
        Long created = null;
        String model = null;
        List<C> choices = null;
        Usage usage = null;
        String fingerprint = null;
        Map<String, JsonNode> extra = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> id = text(p, t);
                case "object" -> object = text(p, t);
                case "created" -> created = longValue(p, t);
                case "model" -> model = text(p, t);
                case "choices" -> choices = list(p, t, choice);
                case "usage" -> usage = usage(p, t);
                case "system_fingerprint" -> fingerprint = text(p, t);
                default -> extra = extra(extra, name, p, t);
            }
        }
        endOfObject(p);
        return making.make(id, object, created, model, choices, usage, fingerprint, extra);
    }

    /** A list of values or null; one element (a stream's usual single choice) in a list without a copy to come. */
    private static <E> List<E> list(JsonParser p, JsonToken t, ValueReading<E> element) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_ARRAY);
        JsonToken next = p.nextToken();
        if (next == JsonToken.END_ARRAY) {
            return List.of();
        }
        E first = element.read(p, next);
        next = p.nextToken();
        if (next == JsonToken.END_ARRAY) {
            return List.of(first);
        }
        List<E> all = new ArrayList<>(4);
        all.add(first);
        for (; next != JsonToken.END_ARRAY; next = p.nextToken()) {
            all.add(element.read(p, next));
        }
        return all;
    }

    private static ChatCompletion.Choice completionChoice(JsonParser p, JsonToken t) throws IOException {
        expect(t, JsonToken.START_OBJECT);
        Integer index = null;
        Message message = null;
        String finishReason = null;
        Map<String, JsonNode> extra = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "index" -> index = intValue(p, v);
                case "message" -> message = message(p, v);
                case "finish_reason" -> finishReason = text(p, v);
                default -> extra = extra(extra, name, p, v);
            }
        }
        endOfObject(p);
        return new ChatCompletion.Choice(index, message, finishReason, extra);
    }

    /** An answer's message; content as parts (rare in answers) is left to binding. */
    private static Message message(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_OBJECT);
        String role = null;
        MessageContent content = null;
        String author = null;
        List<ToolCall> toolCalls = null;
        String toolCallId = null;
        Map<String, JsonNode> extra = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "role" -> role = text(p, v);
                case "content" -> {
                    String text = text(p, v);
                    content = text == null ? null : MessageContent.of(text);
                }
                case "name" -> author = text(p, v);
                case "tool_calls" -> toolCalls = list(p, v, OpenAiAnswerScan::toolCall);
                case "tool_call_id" -> toolCallId = text(p, v);
                default -> extra = extra(extra, name, p, v);
            }
        }
        endOfObject(p);
        return new Message(role, content, author, toolCalls, toolCallId, extra);
    }

    private static ChunkChoice choice(JsonParser p, JsonToken t) throws IOException {
        expect(t, JsonToken.START_OBJECT);
        Integer index = null;
        Delta delta = null;
        JsonNode logprobs = null;
        String finishReason = null;
        Map<String, JsonNode> extra = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "index" -> index = intValue(p, v);
                case "delta" -> delta = delta(p, v);
                case "logprobs" -> logprobs = node(p, v);
                case "finish_reason" -> finishReason = text(p, v);
                default -> extra = extra(extra, name, p, v);
            }
        }
        endOfObject(p);
        return new ChunkChoice(index, delta, logprobs, finishReason, extra);
    }

    private static Delta delta(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_OBJECT);
        String role = null;
        String content = null;
        List<ToolCall> toolCalls = null;
        Map<String, JsonNode> extra = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "role" -> role = text(p, v);
                case "content" -> content = text(p, v);
                case "tool_calls" -> toolCalls = list(p, v, OpenAiAnswerScan::toolCall);
                default -> extra = extra(extra, name, p, v);
            }
        }
        endOfObject(p);
        return new Delta(role, content, toolCalls, extra);
    }

    /** A call's fragment; fields a {@link ToolCall} does not model are skipped, as binding ignores them. */
    private static ToolCall toolCall(JsonParser p, JsonToken t) throws IOException {
        expect(t, JsonToken.START_OBJECT);
        Integer index = null;
        String id = null;
        String type = null;
        ToolCall.FunctionCall function = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "index" -> index = intValue(p, v);
                case "id" -> id = text(p, v);
                case "type" -> type = text(p, v);
                case "function" -> function = function(p, v);
                default -> p.skipChildren();
            }
        }
        endOfObject(p);
        return new ToolCall(index, id, type, function);
    }

    private static ToolCall.FunctionCall function(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_OBJECT);
        String name = null;
        String arguments = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (field) {
                case "name" -> name = text(p, v);
                case "arguments" -> arguments = text(p, v);
                default -> p.skipChildren();
            }
        }
        endOfObject(p);
        return new ToolCall.FunctionCall(name, arguments);
    }

    private static Usage usage(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_OBJECT);
        Integer prompt = null;
        Integer completion = null;
        Integer total = null;
        Map<String, JsonNode> extra = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "prompt_tokens" -> prompt = intValue(p, v);
                case "completion_tokens" -> completion = intValue(p, v);
                case "total_tokens" -> total = intValue(p, v);
                default -> extra = extra(extra, name, p, v);
            }
        }
        endOfObject(p);
        return new Usage(prompt, completion, total, extra);
    }

    /**
     * {@code extra} (made on first use) with {@code name} set to the value at {@code t}, in the
     * upstream's order; a name that comes twice keeps its first value, as binding does.
     */
    private static Map<String, JsonNode> extra(Map<String, JsonNode> extra, String name, JsonParser p, JsonToken t)
            throws IOException {
        Map<String, JsonNode> map = extra == null ? new LinkedHashMap<>(4) : extra;
        if (map.containsKey(name)) {
            p.skipChildren();
        } else {
            map.put(name, node(p, t));
        }
        return map;
    }

    /** The value at {@code t} as the tree binding makes of it; scalars without the tree reader. */
    private static JsonNode node(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_STRING -> TextNode.valueOf(p.getText());
            case VALUE_NULL -> NullNode.getInstance();
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.INT
                    ? IntNode.valueOf(p.getIntValue()) : JSON.readTree(p);
            default -> JSON.readTree(p);
        };
    }

    private static String text(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw Unusual.INSTANCE;
    }

    private static Integer intValue(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
            return p.getIntValue();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw Unusual.INSTANCE;
    }

    private static Long longValue(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw Unusual.INSTANCE;
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw Unusual.INSTANCE;
        }
    }

    /** After the last field of an object: the parser must stand on its end (not on something else). */
    private static void endOfObject(JsonParser p) {
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw Unusual.INSTANCE;
        }
    }

    /** A shape the scan leaves to data binding; one shared instance, no stack trace. */
    private static final class Unusual extends RuntimeException {
        static final Unusual INSTANCE = new Unusual();

        private Unusual() {
            super("not the usual shape of a chunk", null, false, false);
        }
    }
}
