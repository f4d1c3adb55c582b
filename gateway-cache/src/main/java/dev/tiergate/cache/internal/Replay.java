package dev.tiergate.cache.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.pipeline.Answer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.publisher.Flux;

/**
 * Turns a stored answer back into what a request asked for, under a fresh id and creation time:
 * the aggregate for a plain request, the recorded chunks (or chunks made from the aggregate) for
 * a stream request. Shared by the exact and the semantic cache; not API.
 */
public final class Replay {
    private static final char[] ID_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Replay() {
    }

    /**
     * The answer to {@code request} from a stored answer: chunks for a stream request (with the
     * usage chunk, as every stream carries it; the server hides it from clients that did not ask),
     * the completion otherwise.
     */
    public static Answer answer(ChatCompletion completion, List<ChatChunk> chunks, ChatRequest request,
                                long created) {
        String id = freshId();
        if (request.isStream()) {
            return new Answer.Stream(Flux.fromIterable(chunks(completion, chunks, id, created)));
        }
        return new Answer.Complete(completion.withIdentity(id, created));
    }

    /** A new completion id in OpenAI's form, {@code chatcmpl-} and 24 letters or digits. */
    public static String freshId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[24];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
        }
        return "chatcmpl-" + new String(id);
    }

    /**
     * The recorded chunks when the answer was streamed, else chunks made from the aggregate, with
     * the usage-only chunk last when the stored answer has usage.
     */
    static List<ChatChunk> chunks(ChatCompletion completion, List<ChatChunk> recorded, String id, long created) {
        List<ChatChunk> source = recorded != null ? recorded : fromCompletion(completion);
        List<ChatChunk> out = new ArrayList<>(source.size() + 1);
        boolean usageSent = false;
        for (ChatChunk chunk : source) {
            usageSent |= chunk.usage() != null;
            out.add(chunk.withIdentity(id, created));
        }
        if (!usageSent && completion.usage() != null) {
            out.add(new ChatChunk(id, ChatChunk.OBJECT, created, completion.model(), List.of(), completion.usage(),
                    completion.systemFingerprint(), Map.of()));
        }
        return out;
    }

    /**
     * Per choice, as OpenAI streams it: a role chunk, the content, each tool call opened (index,
     * id, type, name, {@code arguments: ""}) and then given its arguments in a chunk of its own,
     * or a legacy {@code function_call} the same way, then a finish chunk. No usage chunk.
     */
    static List<ChatChunk> fromCompletion(ChatCompletion completion) {
        List<ChatChunk> chunks = new ArrayList<>();
        for (ChatCompletion.Choice choice : completion.choices()) {
            int index = choice.index() == null ? 0 : choice.index();
            String role = choice.message() == null || choice.message().role() == null
                    ? "assistant" : choice.message().role();
            List<ToolCall> calls = choice.message() == null ? null : choice.message().toolCalls();
            JsonNode functionCall = choice.message() == null ? null : choice.message().extra().get("function_call");
            String text = choice.message() == null ? "" : choice.message().text();
            boolean hasCalls = calls != null && !calls.isEmpty();
            boolean hasFunctionCall = functionCall != null && functionCall.isObject();
            chunks.add(chunk(completion, index, new ChatChunk.Delta(role, hasCalls || hasFunctionCall ? null : "",
                    null, Map.of()), null));
            if (!text.isEmpty()) {
                chunks.add(chunk(completion, index, ChatChunk.Delta.content(text), null));
            }
            if (hasCalls) {
                for (int i = 0; i < calls.size(); i++) {
                    for (ToolCall fragment : calls.get(i).streamFragments(i)) {
                        chunks.add(chunk(completion, index, new ChatChunk.Delta(null, null, List.of(fragment),
                                Map.of()), null));
                    }
                }
            }
            if (hasFunctionCall) {
                functionCallFragments(functionCall).forEach(fragment -> chunks.add(chunk(completion, index,
                        new ChatChunk.Delta(null, null, null, Map.of("function_call", fragment)), null)));
            }
            chunks.add(chunk(completion, index, new ChatChunk.Delta(null, null, null, Map.of()),
                    choice.finishReason()));
        }
        return chunks;
    }

    /** A legacy function call as OpenAI streams one: its name with {@code arguments: ""}, then the arguments. */
    private static List<JsonNode> functionCallFragments(JsonNode functionCall) {
        String arguments = functionCall.path("arguments").asText("");
        ObjectNode opening = JsonNodeFactory.instance.objectNode()
                .put("name", functionCall.path("name").asText("")).put("arguments", "");
        if (arguments.isEmpty()) {
            return List.of(opening);
        }
        return List.of(opening, JsonNodeFactory.instance.objectNode().put("arguments", arguments));
    }

    private static ChatChunk chunk(ChatCompletion completion, int index, ChatChunk.Delta delta, String finishReason) {
        return new ChatChunk(completion.id(), ChatChunk.OBJECT, completion.created(), completion.model(),
                List.of(new ChatChunk.ChunkChoice(index, delta, finishReason, Map.of())), null,
                completion.systemFingerprint(), Map.of());
    }
}
