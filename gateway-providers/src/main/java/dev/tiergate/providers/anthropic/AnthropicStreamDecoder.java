package dev.tiergate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.AnthropicOrigin;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatChunk.Delta;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.sse.SseDecoder;
import dev.tiergate.core.sse.SseEvent;
import dev.tiergate.providers.anthropic.AnthropicWire.Block;
import dev.tiergate.providers.anthropic.AnthropicWire.StreamEvent;
import dev.tiergate.providers.anthropic.AnthropicWire.WireUsage;
import dev.tiergate.providers.internal.SliceDecoding;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Flux;

/**
 * Turns the bytes of one Anthropic Messages stream into OpenAI {@link ChatChunk}s: SSE framing
 * first, then one event at a time. {@code message_start} gives the role chunk; text deltas become
 * content chunks; a {@code tool_use} block becomes a tool call chunk (index, id, name) followed by
 * its {@code input_json_delta} fragments as arguments, or {@code "{}"} at its
 * {@code content_block_stop} when it streamed none (a tool without parameters), as the
 * non-streamed answer has it; {@code message_delta} gives the finish chunk; {@code message_stop} ends the stream after a usage-only chunk with the provider's usage,
 * always (hiding it from a client that did not ask is the server's business). {@code ping},
 * the {@code content_block_stop} of other blocks, thinking deltas and unknown events are skipped; an {@code error}
 * event fails the stream with an {@link dev.tiergate.core.error.UpstreamError}, as does a body
 * that ends before {@code message_stop}. One decoder per stream; not thread-safe.
 */
final class AnthropicStreamDecoder {
    private final SseDecoder sse = new SseDecoder();
    private final AnthropicErrorMapper errors;
    private final long created;
    /** Whether each chunk carries the event it came from ({@link AnthropicOrigin#EVENT}). */
    private final boolean keepEvents;
    /** Content block index to OpenAI tool call index. */
    private final Map<Integer, Integer> toolIndexes = new HashMap<>();
    /** Content block indexes of the tool calls that streamed some arguments. */
    private final Set<Integer> toolsWithArguments = new HashSet<>();
    private String id;
    private String model;
    private WireUsage usage = WireUsage.EMPTY;
    private boolean done;

    AnthropicStreamDecoder(AnthropicErrorMapper errors, long created) {
        this(errors, created, false);
    }

    /**
     * With {@code keepEvents}, every event (pings and block stops included) reaches the pipeline:
     * the first chunk it becomes carries it in {@link AnthropicOrigin#EVENT}, and an event that
     * becomes none gets a chunk of its own without choices.
     */
    AnthropicStreamDecoder(AnthropicErrorMapper errors, long created, boolean keepEvents) {
        this.errors = errors;
        this.created = created;
        this.keepEvents = keepEvents;
    }

    /**
     * The chunks of a response body, one slice requested at a time. A failure inside a slice
     * still emits the chunks decoded before it, then the error.
     */
    Flux<ChatChunk> decode(Flux<byte[]> body) {
        return SliceDecoding.chunks(body, this::decode, () -> {
            if (!done) {
                throw errors.truncated();
            }
            return List.of();
        });
    }

    /** Adds the chunks completed by this slice of the body to {@code out}. */
    void decode(byte[] bytes, List<ChatChunk> out) {
        sse.feed(bytes, 0, bytes.length, event -> onEvent(event, out));
    }

    /** Whether {@code message_stop} was seen. */
    boolean isDone() {
        return done;
    }

    private void onEvent(SseEvent sseEvent, List<ChatChunk> out) {
        if (done) {
            return;
        }
        JsonNode node = parse(sseEvent.data());
        String type = node.path("type").asText(sseEvent.event() == null ? "" : sseEvent.event());
        if ("error".equals(type) || "error".equals(sseEvent.event())) {
            throw errors.fromStreamError(node);
        }
        int before = out.size();
        onEvent(node, type, out);
        if (keepEvents) {
            keep(node, out, before);
        }
    }

    private void onEvent(JsonNode node, String type, List<ChatChunk> out) {
        StreamEvent event;
        try {
            event = Json.mapper().treeToValue(node, StreamEvent.class);
        } catch (IOException e) {
            throw errors.malformed("unreadable " + type + " event", e);
        }
        switch (type) {
            case "message_start" -> onMessageStart(event, out);
            case "content_block_start" -> onBlockStart(event, out);
            case "content_block_delta" -> onBlockDelta(event, out);
            case "content_block_stop" -> onBlockStop(event, out);
            case "message_delta" -> onMessageDelta(event, out);
            case "message_stop" -> {
                done = true;
                out.add(new ChatChunk(id, ChatChunk.OBJECT, created, model, List.of(),
                        AnthropicMapper.usage(usage), null, Map.of()));
            }
            default -> {
                // ping and event types added after this adapter was written
            }
        }
    }

    /** Attaches the event to the first chunk it became, or to a chunk of its own. */
    private void keep(JsonNode event, List<ChatChunk> out, int first) {
        if (out.size() == first) {
            out.add(new ChatChunk(id, ChatChunk.OBJECT, created, model, List.of(), null, null,
                    Map.of(AnthropicOrigin.EVENT, event)));
            return;
        }
        ChatChunk c = out.get(first);
        Map<String, JsonNode> extra = new java.util.LinkedHashMap<>(c.extra());
        extra.put(AnthropicOrigin.EVENT, event);
        out.set(first, new ChatChunk(c.id(), c.object(), c.created(), c.model(), c.choices(), c.usage(),
                c.systemFingerprint(), extra));
    }

    private void onMessageStart(StreamEvent event, List<ChatChunk> out) {
        if (event.message() == null) {
            throw errors.malformed("message_start without a message", null);
        }
        id = event.message().id();
        model = event.message().model();
        usage = usage.merge(event.message().usage());
        out.add(chunk(new Delta("assistant", "", null, Map.of()), null));
    }

    private void onBlockStart(StreamEvent event, List<ChatChunk> out) {
        Block block = event.contentBlock();
        if (block == null || event.index() == null) {
            throw errors.malformed("content_block_start without an index or a block", null);
        }
        if ("tool_use".equals(block.type())) {
            int toolIndex = toolIndexes.size();
            toolIndexes.put(event.index(), toolIndex);
            out.add(chunk(toolDelta(new ToolCall(toolIndex, block.id(), "function",
                    new ToolCall.FunctionCall(block.name(), ""))), null));
        } else if ("text".equals(block.type()) && block.text() != null && !block.text().isEmpty()) {
            out.add(chunk(Delta.content(block.text()), null));
        }
    }

    private void onBlockDelta(StreamEvent event, List<ChatChunk> out) {
        if (event.delta() == null) {
            throw errors.malformed("content_block_delta without a delta", null);
        }
        String deltaType = event.delta().type() == null ? "" : event.delta().type();
        switch (deltaType) {
            case "text_delta" -> {
                String text = event.delta().text();
                if (text != null && !text.isEmpty()) {
                    out.add(chunk(Delta.content(text), null));
                }
            }
            case "input_json_delta" -> {
                Integer toolIndex = toolIndexes.get(event.index());
                if (toolIndex == null) {
                    throw errors.malformed("input_json_delta for block " + event.index()
                            + ", which is not a tool_use block", null);
                }
                String fragment = event.delta().partialJson();
                if (fragment != null && !fragment.isEmpty()) {
                    toolsWithArguments.add(event.index());
                    out.add(chunk(toolDelta(ToolCall.argumentsFragment(toolIndex, fragment)), null));
                }
            }
            default -> {
                // thinking_delta, signature_delta and citations_delta have no OpenAI equivalent
            }
        }
    }

    /** A tool call that streamed no arguments gets {@code "{}"}: Anthropic's empty input. */
    private void onBlockStop(StreamEvent event, List<ChatChunk> out) {
        Integer toolIndex = event.index() == null ? null : toolIndexes.get(event.index());
        if (toolIndex != null && toolsWithArguments.add(event.index())) {
            out.add(chunk(toolDelta(ToolCall.argumentsFragment(toolIndex, "{}")), null));
        }
    }

    private void onMessageDelta(StreamEvent event, List<ChatChunk> out) {
        usage = usage.merge(event.usage());
        String finish = event.delta() == null ? null : AnthropicMapper.finishReason(event.delta().stopReason());
        if (finish != null) {
            out.add(chunk(new Delta(null, null, null, Map.of()), finish));
        }
    }

    private static Delta toolDelta(ToolCall call) {
        return new Delta(null, null, List.of(call), Map.of());
    }

    private ChatChunk chunk(Delta delta, String finishReason) {
        return new ChatChunk(id, ChatChunk.OBJECT, created, model,
                List.of(new ChatChunk.ChunkChoice(0, delta, finishReason, Map.of())), null, null, Map.of());
    }

    private JsonNode parse(String data) {
        try {
            JsonNode node = Json.mapper().readTree(data);
            if (node == null || !node.isObject()) {
                throw errors.malformed("stream event is not a JSON object", null);
            }
            return node;
        } catch (IOException e) {
            throw errors.malformed("stream event is not JSON", e);
        }
    }
}
