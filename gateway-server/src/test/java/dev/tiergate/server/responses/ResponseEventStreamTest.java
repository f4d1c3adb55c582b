package dev.tiergate.server.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.model.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseEventStreamTest {
    private static final ResponsesRequest REQUEST = ResponsesRequestParser.parse(
            "{\"model\":\"auto\",\"input\":\"hi\",\"stream\":true}".getBytes(StandardCharsets.UTF_8));

    @Test
    void aTextStreamIsTheDocumentedSequenceWithConsecutiveNumbersAndUsageAtTheEnd() {
        ResponseEventStream stream = newStream();
        List<ObjectNode> events = new ArrayList<>();
        events.addAll(stream.onChunk(chunk(new ChatChunk.Delta("assistant", "", null, Map.of()), null)));
        events.addAll(stream.onChunk(chunk(ChatChunk.Delta.content("Hel"), null)));
        events.addAll(stream.onChunk(chunk(ChatChunk.Delta.content("lo"), null)));
        events.addAll(stream.onChunk(chunk(new ChatChunk.Delta(null, null, null, Map.of()), "stop")));
        events.addAll(stream.onChunk(new ChatChunk("c", ChatChunk.OBJECT, 1L, "m-1", List.of(), Usage.of(7, 2), null,
                Map.of())));
        events.addAll(stream.complete());

        assertThat(types(events)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.completed");
        assertConsecutiveNumbers(events);
        assertDeltasBetweenAddedAndDone(events);
        assertThat(events.getFirst().at("/response/status").textValue()).isEqualTo("in_progress");
        assertThat(events.getFirst().at("/response/model").textValue()).isEqualTo("m-1");
        assertThat(events.get(6).get("text").textValue()).isEqualTo("Hello");
        ObjectNode completed = events.getLast();
        assertThat(completed.at("/response/status").textValue()).isEqualTo("completed");
        assertThat(completed.at("/response/output/0/content/0/text").textValue()).isEqualTo("Hello");
        assertThat(completed.at("/response/usage/input_tokens").intValue()).isEqualTo(7);
        assertThat(completed.at("/response/usage/output_tokens").intValue()).isEqualTo(2);
        assertThat(completed.at("/response/usage/total_tokens").intValue()).isEqualTo(9);
        assertThat(completed.at("/response/completed_at").longValue()).isEqualTo(42);
        assertThat(stream.response().get("status").textValue()).isEqualTo("completed");
    }

    @Test
    void textThenTwoToolCallsAreThreeItemsEachClosedOnce() {
        ResponseEventStream stream = newStream();
        List<ObjectNode> events = new ArrayList<>();
        events.addAll(stream.onChunk(chunk(ChatChunk.Delta.content("Let me look."), null)));
        events.addAll(stream.onChunk(chunk(calls(new ToolCall(0, "call_a", "function",
                new ToolCall.FunctionCall("f", ""))), null)));
        events.addAll(stream.onChunk(chunk(calls(new ToolCall(0, null, null, new ToolCall.FunctionCall(null, "{\"x\":"))),
                null)));
        events.addAll(stream.onChunk(chunk(calls(new ToolCall(1, "call_b", "function",
                new ToolCall.FunctionCall("g", "{}"))), null)));
        events.addAll(stream.onChunk(chunk(calls(new ToolCall(0, null, null, new ToolCall.FunctionCall(null, "1}"))),
                "tool_calls")));
        events.addAll(stream.complete());

        assertConsecutiveNumbers(events);
        assertDeltasBetweenAddedAndDone(events);
        assertThat(types(events).stream().filter("response.output_item.added"::equals)).hasSize(3);
        assertThat(types(events).stream().filter("response.output_item.done"::equals)).hasSize(3);
        ObjectNode response = events.getLast().withObjectProperty("response");
        assertThat(response.at("/output/0/type").textValue()).isEqualTo("message");
        assertThat(response.at("/output/1/call_id").textValue()).isEqualTo("call_a");
        assertThat(response.at("/output/1/arguments").textValue()).isEqualTo("{\"x\":1}");
        assertThat(response.at("/output/2/name").textValue()).isEqualTo("g");
        assertThat(response.at("/output/2/arguments").textValue()).isEqualTo("{}");
        ObjectNode argumentsDone = events.stream()
                .filter(e -> e.get("type").textValue().equals("response.function_call_arguments.done")).findFirst()
                .orElseThrow();
        assertThat(argumentsDone.get("arguments").textValue()).isEqualTo("{\"x\":1}");
        assertThat(argumentsDone.get("name").textValue()).isEqualTo("f");
    }

    @Test
    void aStreamCutAtTheTokenLimitEndsIncomplete() {
        ResponseEventStream stream = newStream();
        List<ObjectNode> events = new ArrayList<>(stream.onChunk(chunk(ChatChunk.Delta.content("Once"), "length")));
        events.addAll(stream.complete());
        assertThat(events.getLast().get("type").textValue()).isEqualTo("response.incomplete");
        assertThat(events.getLast().at("/response/incomplete_details/reason").textValue()).isEqualTo("max_output_tokens");
    }

    @Test
    void aFailureAfterTheStartIsAnErrorEventThenResponseFailed() {
        ResponseEventStream stream = newStream();
        List<ObjectNode> events = new ArrayList<>(stream.onChunk(chunk(ChatChunk.Delta.content("Hal"), null)));
        events.addAll(stream.fail(UpstreamError.connection("up", "upstream reset the connection", null)));

        assertConsecutiveNumbers(events);
        assertThat(types(events).subList(types(events).size() - 2, types(events).size()))
                .containsExactly("error", "response.failed");
        assertThat(events.get(events.size() - 2).get("message").textValue()).isEqualTo("upstream reset the connection");
        assertThat(events.getLast().at("/response/status").textValue()).isEqualTo("failed");
        assertThat(events.getLast().at("/response/error/code").textValue()).isEqualTo("upstream_unavailable");
    }

    @Test
    void anEmptyStreamStillOpensAndCompletes() {
        List<ObjectNode> events = newStream().complete();
        assertThat(types(events)).containsExactly("response.created", "response.in_progress", "response.completed");
        assertConsecutiveNumbers(events);
    }

    @Test
    void framesNameTheEventAndCarryItsJson() {
        ObjectNode event = newStream().complete().getFirst();
        String frame = new String(ResponseEventStream.frame(event), StandardCharsets.UTF_8);
        assertThat(frame).startsWith("event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,")
                .endsWith("}\n\n");
    }

    private static ResponseEventStream newStream() {
        return new ResponseEventStream(ResponseObjects.shell(REQUEST, "resp_1", 40, "auto"), () -> 42L);
    }

    private static ChatChunk chunk(ChatChunk.Delta delta, String finish) {
        return new ChatChunk("c", ChatChunk.OBJECT, 1L, "m-1",
                List.of(new ChatChunk.ChunkChoice(0, delta, finish, Map.of())), null, null, Map.of());
    }

    private static ChatChunk.Delta calls(ToolCall call) {
        return new ChatChunk.Delta(null, null, List.of(call), Map.of());
    }

    private static List<String> types(List<ObjectNode> events) {
        return events.stream().map(e -> e.get("type").textValue()).toList();
    }

    private static void assertConsecutiveNumbers(List<ObjectNode> events) {
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).get("sequence_number").intValue()).as("event %d", i).isEqualTo(i);
        }
    }

    /** Every delta and done of an item comes after its output_item.added and before its output_item.done. */
    private static void assertDeltasBetweenAddedAndDone(List<ObjectNode> events) {
        Map<String, String> state = new HashMap<>();
        for (ObjectNode e : events) {
            String type = e.get("type").textValue();
            switch (type) {
                case "response.output_item.added" -> {
                    assertThat(state.put(e.at("/item/id").textValue(), "open")).isNull();
                }
                case "response.output_item.done" -> {
                    assertThat(state.put(e.at("/item/id").textValue(), "done")).isEqualTo("open");
                }
                case "response.completed", "response.incomplete", "response.failed", "error" -> {
                    assertThat(state.values()).doesNotContain("open");
                }
                default -> {
                    if (e.has("item_id")) {
                        assertThat(state.get(e.get("item_id").textValue())).as(type).isEqualTo("open");
                    }
                }
            }
        }
    }
}
