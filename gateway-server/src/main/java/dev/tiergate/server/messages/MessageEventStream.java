package dev.tiergate.server.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.model.AnthropicOrigin;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.model.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one chat stream into Anthropic's event sequence, chunk by chunk (one per stream, fed in
 * order). A chunk that carries the event an Anthropic upstream sent ({@link AnthropicOrigin#EVENT})
 * gives that event as it came. Otherwise the events are built: {@code message_start} and a
 * {@code ping} with the first chunk; text as a {@code text} block ({@code content_block_start},
 * {@code text_delta}s); each tool call as a {@code tool_use} block whose arguments come as
 * {@code input_json_delta}s; a block stops ({@code content_block_stop}) when the next starts or the
 * stream ends; at the end {@code message_delta} with the stop reason and the usage, then
 * {@code message_stop}. A failure after the start is an {@code error} event.
 */
public final class MessageEventStream {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String id;
    private final String model;
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private boolean started;
    private boolean passedThrough;
    private int nextBlock;
    /** The block open now, -1 when none; whether it is a text block. */
    private int openBlock = -1;
    private boolean openIsText;
    private Usage usage;
    private String finishReason;

    /** {@code id} and {@code model} name a message built here. */
    public MessageEventStream(String id, String model) {
        this.id = id;
        this.model = model;
    }

    /** The events one chat chunk makes (none for a usage-only chunk). */
    public List<ObjectNode> onChunk(ChatChunk chunk) {
        JsonNode original = chunk.extra().get(AnthropicOrigin.EVENT);
        if (original instanceof ObjectNode event) {
            passedThrough = true;
            return List.of(event);
        }
        List<ObjectNode> events = new ArrayList<>();
        if (!started) {
            started = true;
            ObjectNode start = event("message_start");
            ObjectNode message = MessageObjects.shell(id, model);
            message.set("usage", MessageObjects.usage(chunk.usage()));
            start.set("message", message);
            events.add(start);
            events.add(event("ping"));
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        for (ChatChunk.ChunkChoice choice : chunk.choices()) {
            if (choice.index() != null && choice.index() != 0) {
                continue;
            }
            ChatChunk.Delta delta = choice.delta();
            if (delta != null && delta.content() != null && !delta.content().isEmpty()) {
                text(events, delta.content());
            }
            if (delta != null && delta.toolCalls() != null) {
                for (ToolCall call : delta.toolCalls()) {
                    toolCall(events, call);
                }
            }
            if (choice.finishReason() != null) {
                finishReason = choice.finishReason();
            }
        }
        return events;
    }

    /** The last events of a stream that ended cleanly (none when the upstream's own were passed through). */
    public List<ObjectNode> complete() {
        if (passedThrough) {
            return List.of();
        }
        List<ObjectNode> events = new ArrayList<>();
        if (!started) {
            events.addAll(onChunk(new ChatChunk(id, ChatChunk.OBJECT, null, model, List.of(), null, null, Map.of())));
        }
        closeBlock(events);
        ObjectNode delta = event("message_delta");
        delta.putObject("delta").put("stop_reason", MessageObjects.stopReason(finishReason)).putNull("stop_sequence");
        delta.set("usage", MessageObjects.usage(usage));
        events.add(delta);
        events.add(event("message_stop"));
        return events;
    }

    private void text(List<ObjectNode> events, String text) {
        if (openBlock < 0 || !openIsText) {
            closeBlock(events);
            openBlock = nextBlock++;
            openIsText = true;
            ObjectNode start = event("content_block_start").put("index", openBlock);
            start.putObject("content_block").put("type", "text").put("text", "");
            events.add(start);
        }
        ObjectNode delta = event("content_block_delta").put("index", openBlock);
        delta.putObject("delta").put("type", "text_delta").put("text", text);
        events.add(delta);
    }

    private void toolCall(List<ObjectNode> events, ToolCall call) {
        int index = call.index() == null ? 0 : call.index();
        Integer block = toolBlocks.get(index);
        if (block == null) {
            closeBlock(events);
            block = nextBlock++;
            toolBlocks.put(index, block);
            openBlock = block;
            openIsText = false;
            ObjectNode start = event("content_block_start").put("index", block);
            start.putObject("content_block").put("type", "tool_use").put("id", call.id())
                    .put("name", call.function() == null ? null : call.function().name()).putObject("input");
            events.add(start);
        }
        String arguments = call.function() == null ? null : call.function().arguments();
        if (arguments != null && !arguments.isEmpty()) {
            ObjectNode delta = event("content_block_delta").put("index", block);
            delta.putObject("delta").put("type", "input_json_delta").put("partial_json", arguments);
            events.add(delta);
        }
    }

    private void closeBlock(List<ObjectNode> events) {
        if (openBlock >= 0) {
            events.add(event("content_block_stop").put("index", openBlock));
            openBlock = -1;
        }
    }

    private static ObjectNode event(String type) {
        return NODES.objectNode().put("type", type);
    }
}
