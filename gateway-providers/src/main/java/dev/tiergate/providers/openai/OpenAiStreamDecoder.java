package dev.tiergate.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatChunk.ChunkChoice;
import dev.tiergate.core.model.ChatChunk.Delta;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.provider.PassThrough;
import dev.tiergate.core.sse.SseDecoder;
import dev.tiergate.core.sse.SseEvent;
import dev.tiergate.providers.internal.SliceDecoding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;

/**
 * Turns the bytes of one OpenAI chat stream into {@link ChatChunk}s: SSE framing first, then each
 * {@code data:} payload as a chunk. {@code [DONE]} ends the stream (later events are ignored); an
 * {@code {"error":...}} payload or an {@code event: error} fails it with an
 * {@link dev.tiergate.core.error.UpstreamError}. Each payload is read into its chunk by
 * {@link OpenAiAnswerScan}, a walk over the token stream (no tree, no data binding for the usual
 * shapes). With a {@link PassThrough}, the payload of each chunk that is the event as
 * it came (one {@code data:} line, not split into two chunks) is kept beside it for the server to
 * send unchanged. One decoder per stream; not thread-safe.
 */
final class OpenAiStreamDecoder {
    private final SseDecoder sse = new SseDecoder();
    private final OpenAiErrorMapper errors;
    private final PassThrough passThrough;
    private boolean done;
    private boolean sawEvent;

    OpenAiStreamDecoder(OpenAiErrorMapper errors) {
        this(errors, null);
    }

    /** @param passThrough where to keep each event's payload, or null */
    OpenAiStreamDecoder(OpenAiErrorMapper errors, PassThrough passThrough) {
        this.errors = errors;
        this.passThrough = passThrough;
    }

    /**
     * The chunks of a response body, one slice requested at a time. A failure inside a slice
     * still emits the chunks decoded before it, then the error. A body without a single event
     * (an HTML page or a JSON body where a stream was asked for) fails as a malformed response.
     */
    Flux<ChatChunk> decode(Flux<byte[]> body) {
        return SliceDecoding.chunks(body, this::decode, () -> {
            if (!sawEvent) {
                throw errors.malformed("the stream ended without a single event (expected: text/event-stream)", null);
            }
            return List.of();
        });
    }

    /** Adds the chunks completed by this slice of the body to {@code out}. */
    void decode(byte[] bytes, List<ChatChunk> out) {
        sse.feed(bytes, 0, bytes.length, event -> onEvent(event, out));
    }

    /** Whether {@code [DONE]} was seen. */
    boolean isDone() {
        return done;
    }

    private void onEvent(SseEvent event, List<ChatChunk> out) {
        sawEvent = true;
        if (done) {
            return;
        }
        if (event.isDone()) {
            done = true;
            return;
        }
        if ("error".equals(event.event())) {
            throw errors.fromStreamError(parse(event.data()));
        }
        byte[] payload = event.dataUtf8();
        ChatChunk chunk = OpenAiAnswerScan.chunk(payload);
        if (chunk == null) {   // not JSON as it came (malformed UTF-8?): read as the text it decodes to
            payload = event.data().getBytes(StandardCharsets.UTF_8);
            chunk = readText(payload, event.data());
        }
        if (chunk.extra().containsKey("error")) {
            throw errors.fromStreamError(parse(event.data()));
        }
        if (opensWithArguments(chunk)) {
            openingsApart(chunk, out);
        } else {
            out.add(chunk);
            if (passThrough != null && oneLine(payload)) {
                passThrough.keep(chunk, payload);
            }
        }
    }

    private static boolean oneLine(byte[] payload) {
        for (byte b : payload) {
            if (b == '\n') {
                return false;
            }
        }
        return true;
    }

    /** The chunk of a payload's text (as UTF-8); a payload that is not one fails as {@link #parse} says. */
    private ChatChunk readText(byte[] payload, String data) {
        ChatChunk chunk;
        try {
            chunk = OpenAiJson.reader().readValue(payload, ChatChunk.class);
        } catch (IOException e) {
            JsonNode node = parse(data);
            if (node.has("error")) {
                throw errors.fromStreamError(node);
            }
            throw errors.malformed("stream chunk is not a chat.completion.chunk", e);
        }
        if (chunk == null) {
            throw errors.malformed("stream event is not a JSON object", null);
        }
        return chunk;
    }

    /** Whether a choice's delta opens a tool call (its id is there) with arguments already. */
    private static boolean opensWithArguments(ChatChunk chunk) {
        for (ChunkChoice choice : chunk.choices()) {
            if (opensWithArguments(choice)) {
                return true;
            }
        }
        return false;
    }

    /** A choice whose delta opens a tool call (its id is there) with arguments already. */
    private static boolean opensWithArguments(ChunkChoice choice) {
        if (choice.delta() == null || choice.delta().toolCalls() == null) {
            return false;
        }
        for (ToolCall call : choice.delta().toolCalls()) {
            if (opensWithArguments(call)) {
                return true;
            }
        }
        return false;
    }

    private static boolean opensWithArguments(ToolCall call) {
        return call.id() != null && call.function() != null && call.function().arguments() != null
                && !call.function().arguments().isEmpty();
    }

    /**
     * The chunk as two: first everything it carries with each call opened ({@code arguments: ""}),
     * without the finish reason and usage; then the opened calls' arguments, the finish reason and
     * the usage.
     */
    private static void openingsApart(ChatChunk chunk, List<ChatChunk> out) {
        List<ChunkChoice> openings = new ArrayList<>(chunk.choices().size());
        List<ChunkChoice> rest = new ArrayList<>(chunk.choices().size());
        for (ChunkChoice choice : chunk.choices()) {
            Delta delta = choice.delta();
            List<ToolCall> calls = delta == null || delta.toolCalls() == null ? List.of() : delta.toolCalls();
            List<ToolCall> opened = new ArrayList<>(calls.size());
            List<ToolCall> arguments = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                ToolCall call = calls.get(i);
                if (opensWithArguments(call)) {
                    List<ToolCall> fragments = call.streamFragments(call.index() != null ? call.index() : i);
                    opened.add(fragments.getFirst());
                    arguments.addAll(fragments.subList(1, fragments.size()));
                } else {
                    opened.add(call);
                }
            }
            openings.add(new ChunkChoice(choice.index(), delta == null ? null
                    : new Delta(delta.role(), delta.content(), opened.isEmpty() ? null : opened, delta.extra()),
                    choice.logprobs(), null, choice.extra()));
            rest.add(new ChunkChoice(choice.index(), new Delta(null, null, arguments.isEmpty() ? null : arguments,
                    Map.of()), null, choice.finishReason(), Map.of()));
        }
        out.add(chunk.withChoices(openings).withUsage(null));
        out.add(chunk.withChoices(rest));
    }

    private JsonNode parse(String data) {
        try {
            JsonNode node = OpenAiJson.reader().readTree(data);
            if (node == null || !node.isObject()) {
                throw errors.malformed("stream event is not a JSON object", null);
            }
            return node;
        } catch (IOException e) {
            throw errors.malformed("stream event is not JSON", e);
        }
    }
}
