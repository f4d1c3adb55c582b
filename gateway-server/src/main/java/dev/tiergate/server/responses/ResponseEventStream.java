package dev.tiergate.server.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.sse.SseEncoder;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Turns one chat stream into the Responses API's typed event sequence, chunk by chunk (one per
 * stream, fed in order): {@code response.created} and {@code response.in_progress} with the first
 * chunk; for text, {@code output_item.added}, {@code content_part.added}, one
 * {@code output_text.delta} per piece, then {@code output_text.done}, {@code content_part.done},
 * {@code output_item.done}; for each tool call, {@code output_item.added}, its
 * {@code function_call_arguments.delta}s, {@code .done}, {@code output_item.done}; at the end
 * {@code response.completed} (or {@code response.incomplete} when cut at the token limit) with the
 * whole response and its usage, or {@code error} and {@code response.failed}. Every event carries
 * a {@code sequence_number}, from 0 up by one.
 */
public final class ResponseEventStream {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectNode response;
    private final LongSupplier epochSeconds;
    private final TreeMap<Integer, ObjectNode> finishedItems = new TreeMap<>();
    private final Map<Integer, OpenCall> openCalls = new LinkedHashMap<>();
    private int sequence;
    private int nextOutputIndex;
    private boolean started;
    private OpenText openText;
    private Usage usage;
    private String finishReason;

    /**
     * @param response     the in-progress shell ({@link ResponseObjects#shell}); this stream fills it in
     * @param epochSeconds the clock for {@code completed_at}
     */
    public ResponseEventStream(ObjectNode response, LongSupplier epochSeconds) {
        this.response = response;
        this.epochSeconds = epochSeconds;
    }

    /** The events one chat chunk makes (none for a usage-only chunk after the first). */
    public List<ObjectNode> onChunk(ChatChunk chunk) {
        List<ObjectNode> events = new ArrayList<>();
        start(events, chunk.model());
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
                for (int i = 0; i < delta.toolCalls().size(); i++) {
                    toolCall(events, delta.toolCalls().get(i), i);
                }
            }
            if (choice.finishReason() != null) {
                finishReason = choice.finishReason();
            }
        }
        return events;
    }

    /** The closing events of a stream that ended cleanly. */
    public List<ObjectNode> complete() {
        List<ObjectNode> events = new ArrayList<>();
        start(events, null);
        closeText(events);
        closeCalls(events);
        ResponseObjects.finish(response, output(), usage, finishReason, epochSeconds.getAsLong());
        String type = "incomplete".equals(response.get("status").textValue()) ? "response.incomplete"
                : "response.completed";
        events.add(event(type).set("response", response.deepCopy()));
        return events;
    }

    /** The events of a stream that failed after it started: {@code error}, then {@code response.failed}. */
    public List<ObjectNode> fail(GatewayError error) {
        List<ObjectNode> events = new ArrayList<>();
        start(events, null);
        ObjectNode errorEvent = event("error");
        errorEvent.put("code", error.code() == null ? error.type() : error.code());
        errorEvent.put("message", error.getMessage());
        if (error.param() == null) {
            errorEvent.putNull("param");
        } else {
            errorEvent.put("param", error.param());
        }
        events.add(errorEvent);
        ResponseObjects.failed(response, output(), error);
        events.add(event("response.failed").set("response", response.deepCopy()));
        return events;
    }

    /** The response as it stands: the finished one after {@link #complete()}. */
    public ObjectNode response() {
        return response;
    }

    /** An event as an SSE frame: {@code event: <type>}, then {@code data: <json>}. */
    public static byte[] frame(ObjectNode event) {
        try {
            return SseEncoder.event(event.get("type").textValue(), Json.mapper().writeValueAsBytes(event));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void start(List<ObjectNode> events, String model) {
        if (started) {
            return;
        }
        started = true;
        if (model != null) {
            response.put("model", model);
        }
        events.add(event("response.created").set("response", response.deepCopy()));
        events.add(event("response.in_progress").set("response", response.deepCopy()));
    }

    private void text(List<ObjectNode> events, String piece) {
        if (openText == null) {
            openText(events, ResponseIds.next("msg"));
        }
        openText.text.append(piece);
        ObjectNode delta = partEvent("response.output_text.delta", openText).put("delta", piece);
        delta.putArray("logprobs");
        events.add(delta);
    }

    private void openText(List<ObjectNode> events, String id) {
        openText = new OpenText(id, nextOutputIndex++);
        ObjectNode added = event("response.output_item.added").put("output_index", openText.outputIndex);
        added.set("item", ResponseObjects.messageItem(openText.id, "in_progress"));
        events.add(added);
        events.add(partEvent("response.content_part.added", openText).set("part", ResponseObjects.outputText("")));
    }

    private void closeText(List<ObjectNode> events) {
        if (openText == null) {
            return;
        }
        String text = openText.text.toString();
        ObjectNode done = partEvent("response.output_text.done", openText).put("text", text);
        done.putArray("logprobs");
        events.add(done);
        events.add(partEvent("response.content_part.done", openText).set("part", ResponseObjects.outputText(text)));
        ObjectNode item = ResponseObjects.messageItem(openText.id, "completed");
        item.withArrayProperty("content").add(ResponseObjects.outputText(text));
        itemDone(events, openText.outputIndex, item);
        openText = null;
    }

    private void toolCall(List<ObjectNode> events, ToolCall fragment, int position) {
        int index = fragment.index() != null ? fragment.index() : position;
        OpenCall call = openCalls.get(index);
        if (call == null) {
            String callId = fragment.id() != null ? fragment.id() : ResponseIds.next("call");
            String name = fragment.function() == null ? null : fragment.function().name();
            call = openCall(events, index, ResponseIds.next("fc"), callId, name == null ? "" : name);
        } else if (call.name.isEmpty() && fragment.function() != null && fragment.function().name() != null) {
            call.name = fragment.function().name();
        }
        arguments(events, call, fragment.function() == null ? null : fragment.function().arguments());
    }

    private OpenCall openCall(List<ObjectNode> events, int index, String id, String callId, String name) {
        closeText(events);
        OpenCall call = new OpenCall(id, nextOutputIndex++, callId, name);
        openCalls.put(index, call);
        ObjectNode added = event("response.output_item.added").put("output_index", call.outputIndex);
        added.set("item", ResponseObjects.functionCallItem(call.id, call.callId, call.name, "", "in_progress"));
        events.add(added);
        return call;
    }

    private void arguments(List<ObjectNode> events, OpenCall call, String arguments) {
        if (arguments != null && !arguments.isEmpty()) {
            call.arguments.append(arguments);
            events.add(event("response.function_call_arguments.delta").put("item_id", call.id)
                    .put("output_index", call.outputIndex).put("delta", arguments));
        }
    }

    /**
     * The event sequence of a finished (stored) response, as a stream of it would have been: the
     * same item ids, each text and each call's arguments in one delta, and at the end
     * {@code response.completed} (or {@code response.incomplete}) with the response as stored.
     * Items other than messages with one text part and function calls (a refusal) come as
     * {@code output_item.added} and {@code output_item.done}.
     */
    public static List<ObjectNode> replay(ObjectNode finished) {
        ObjectNode shell = finished.deepCopy();
        shell.put("status", "in_progress");
        shell.putArray("output");
        shell.putNull("completed_at");
        shell.putNull("incomplete_details");
        shell.putNull("usage");
        ResponseEventStream stream = new ResponseEventStream(shell, () -> 0L);
        List<ObjectNode> events = new ArrayList<>();
        stream.start(events, null);
        for (JsonNode node : finished.path("output")) {
            ObjectNode item = (ObjectNode) node;
            JsonNode content = item.path("content");
            if ("message".equals(item.path("type").asText()) && content.size() == 1
                    && "output_text".equals(content.get(0).path("type").asText())) {
                stream.openText(events, item.get("id").textValue());
                stream.text(events, content.get(0).path("text").asText());
                stream.closeText(events);
            } else if ("function_call".equals(item.path("type").asText())) {
                OpenCall call = stream.openCall(events, 0, item.get("id").textValue(),
                        item.get("call_id").textValue(), item.get("name").textValue());
                stream.arguments(events, call, item.path("arguments").asText());
                stream.closeCalls(events);
            } else {
                int index = stream.nextOutputIndex++;
                ObjectNode added = stream.event("response.output_item.added").put("output_index", index);
                added.set("item", item.deepCopy().put("status", "in_progress"));
                events.add(added);
                stream.itemDone(events, index, item.deepCopy());
            }
        }
        String type = "incomplete".equals(finished.path("status").asText()) ? "response.incomplete"
                : "response.completed";
        events.add(stream.event(type).set("response", finished.deepCopy()));
        return events;
    }

    private void closeCalls(List<ObjectNode> events) {
        for (OpenCall call : openCalls.values()) {
            String arguments = call.arguments.toString();
            events.add(event("response.function_call_arguments.done").put("item_id", call.id)
                    .put("output_index", call.outputIndex).put("name", call.name).put("arguments", arguments));
            itemDone(events, call.outputIndex,
                    ResponseObjects.functionCallItem(call.id, call.callId, call.name, arguments, "completed"));
        }
        openCalls.clear();
    }

    private void itemDone(List<ObjectNode> events, int outputIndex, ObjectNode item) {
        finishedItems.put(outputIndex, item);
        ObjectNode done = event("response.output_item.done").put("output_index", outputIndex);
        done.set("item", item.deepCopy());
        events.add(done);
    }

    private ArrayNode output() {
        ArrayNode output = NODES.arrayNode();
        finishedItems.values().forEach(output::add);
        return output;
    }

    private ObjectNode partEvent(String type, OpenText text) {
        return event(type).put("item_id", text.id).put("output_index", text.outputIndex).put("content_index", 0);
    }

    private ObjectNode event(String type) {
        return NODES.objectNode().put("type", type).put("sequence_number", sequence++);
    }

    /** The message item being streamed. */
    private static final class OpenText {
        final String id;
        final int outputIndex;
        final StringBuilder text = new StringBuilder();

        OpenText(String id, int outputIndex) {
            this.id = id;
            this.outputIndex = outputIndex;
        }
    }

    /** A function call being streamed. */
    private static final class OpenCall {
        final String id;
        final int outputIndex;
        final String callId;
        final StringBuilder arguments = new StringBuilder();
        String name;

        OpenCall(String id, int outputIndex, String callId, String name) {
            this.id = id;
            this.outputIndex = outputIndex;
            this.callId = callId;
            this.name = name;
        }
    }
}
