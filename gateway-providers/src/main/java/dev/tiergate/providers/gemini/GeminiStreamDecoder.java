package dev.tiergate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatChunk.Delta;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.sse.SseDecoder;
import dev.tiergate.core.sse.SseEvent;
import dev.tiergate.providers.gemini.GeminiWire.Candidate;
import dev.tiergate.providers.gemini.GeminiWire.GenerateContentResponse;
import dev.tiergate.providers.gemini.GeminiWire.Part;
import dev.tiergate.providers.internal.SliceDecoding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;

/**
 * Turns the bytes of one {@code streamGenerateContent?alt=sse} response into OpenAI
 * {@link ChatChunk}s. Each SSE {@code data:} is a whole {@code GenerateContentResponse}; per
 * candidate it gives a content chunk (the first one carrying the role), tool call chunks and, with
 * a finish reason, a finish chunk. Gemini sends each call whole; it is streamed as OpenAI streams
 * one ({@link ToolCall#streamFragments}): a chunk opening the call (index, id, type, name and
 * {@code arguments: ""}), then a chunk with the arguments. Gemini has no end marker: when the body ends, every candidate seen must have
 * finished, and a usage-only chunk with the last usage reported follows, always (hiding it from a
 * client that did not ask is the server's business). An {@code {"error":...}} payload fails the
 * stream with an {@link dev.tiergate.core.error.UpstreamError}. One decoder per stream; not
 * thread-safe.
 */
final class GeminiStreamDecoder {
    private final SseDecoder sse = new SseDecoder();
    private final GeminiMapper mapper;
    private final GeminiErrorMapper errors;
    private final long created;
    private final Map<Integer, CandidateState> candidates = new HashMap<>();
    private String id;
    private String model;
    private Usage usage;

    /** {@code model} names the chunks until Gemini reports its modelVersion. */
    GeminiStreamDecoder(GeminiMapper mapper, GeminiErrorMapper errors, String model, long created) {
        this.mapper = mapper;
        this.errors = errors;
        this.model = model;
        this.created = created;
    }

    /** What one choice has streamed so far. */
    private static final class CandidateState {
        int toolCalls;
        boolean finished;
    }

    /**
     * The chunks of a response body, one slice requested at a time, then the end checks. A
     * failure inside a slice still emits the chunks decoded before it, then the error.
     */
    Flux<ChatChunk> decode(Flux<byte[]> body) {
        return SliceDecoding.chunks(body, this::decode, this::finish);
    }

    /** Adds the chunks completed by this slice of the body to {@code out}. */
    void decode(byte[] bytes, List<ChatChunk> out) {
        sse.feed(bytes, 0, bytes.length, event -> onEvent(event, out));
    }

    /** Called once the body ended: the usage chunk, if Gemini reported usage; fails when an answer is incomplete. */
    List<ChatChunk> finish() {
        if (candidates.isEmpty() || candidates.values().stream().anyMatch(c -> !c.finished)) {
            throw errors.truncated();
        }
        if (usage != null) {
            return List.of(new ChatChunk(id, ChatChunk.OBJECT, created, model, List.of(), usage, null, Map.of()));
        }
        return List.of();
    }

    private void onEvent(SseEvent event, List<ChatChunk> out) {
        JsonNode node = parse(event.data());
        if (node.has("error")) {
            throw errors.fromStreamError(node);
        }
        GenerateContentResponse response;
        try {
            response = GeminiWire.mapper().treeToValue(node, GenerateContentResponse.class);
        } catch (IOException e) {
            throw errors.malformed("stream event is not a GenerateContentResponse", e);
        }
        if (id == null) {
            id = response.responseId() != null ? response.responseId() : "chatcmpl-" + mapper.newId();
        }
        if (response.modelVersion() != null) {
            model = response.modelVersion();
        }
        if (response.usageMetadata() != null) {
            usage = GeminiMapper.usage(response.usageMetadata());
        }
        List<Candidate> list = response.candidates() == null ? List.of() : response.candidates();
        for (int i = 0; i < list.size(); i++) {
            Candidate candidate = list.get(i);
            onCandidate(candidate.index() != null ? candidate.index() : i, candidate, out);
        }
        if (list.isEmpty() && response.promptFeedback() != null && response.promptFeedback().blockReason() != null) {
            CandidateState state = candidates.computeIfAbsent(0, k -> new CandidateState());
            out.add(chunk(0, new Delta("assistant", "", null, Map.of()), null));
            out.add(chunk(0, new Delta(null, null, null, Map.of()), "content_filter"));
            state.finished = true;
        }
    }

    private void onCandidate(int index, Candidate candidate, List<ChatChunk> out) {
        boolean first = !candidates.containsKey(index);
        CandidateState state = candidates.computeIfAbsent(index, k -> new CandidateState());
        if (state.finished) {
            return;
        }
        StringBuilder text = new StringBuilder();
        List<ToolCall> fragments = new ArrayList<>();
        for (Part part : GeminiMapper.partsOf(candidate)) {
            if (part.functionCall() != null) {
                fragments.addAll(mapper.toolCall(part).streamFragments(state.toolCalls++));
            } else if (part.text() != null && !Boolean.TRUE.equals(part.thought())) {
                text.append(part.text());
            }
        }
        boolean roleSent = !first;
        if (!text.isEmpty() || (first && fragments.isEmpty())) {
            out.add(chunk(index, new Delta(first ? "assistant" : null, text.toString(), null, Map.of()), null));
            roleSent = true;
        }
        for (ToolCall fragment : fragments) {
            out.add(chunk(index, new Delta(roleSent ? null : "assistant", null, List.of(fragment), Map.of()), null));
            roleSent = true;
        }
        String finish = GeminiMapper.finishReason(candidate.finishReason(), state.toolCalls > 0);
        if (finish != null) {
            state.finished = true;
            out.add(chunk(index, new Delta(null, null, null, Map.of()), finish));
        }
    }

    private ChatChunk chunk(int index, Delta delta, String finishReason) {
        return new ChatChunk(id, ChatChunk.OBJECT, created, model,
                List.of(new ChatChunk.ChunkChoice(index, delta, finishReason, Map.of())), null, null, Map.of());
    }

    private JsonNode parse(String data) {
        try {
            JsonNode node = GeminiWire.mapper().readTree(data);
            if (node == null || !node.isObject()) {
                throw errors.malformed("stream event is not a JSON object", null);
            }
            return node;
        } catch (IOException e) {
            throw errors.malformed("stream event is not JSON", e);
        }
    }
}
