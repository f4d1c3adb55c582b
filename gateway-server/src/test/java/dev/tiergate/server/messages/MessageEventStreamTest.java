package dev.tiergate.server.messages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.model.AnthropicOrigin;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.model.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Anthropic's event sequence built from OpenAI-shaped chunks, or passed through from Anthropic's own. */
class MessageEventStreamTest {

    private static ChatChunk chunk(ChatChunk.Delta delta, String finish) {
        return new ChatChunk("c", ChatChunk.OBJECT, 1L, "gpt", List.of(new ChatChunk.ChunkChoice(0, delta, finish,
                Map.of())), null, null, Map.of());
    }

    private static ChatChunk tools(ToolCall... calls) {
        return chunk(new ChatChunk.Delta(null, null, List.of(calls), Map.of()), null);
    }

    @Test
    void textThenTwoToolCallsBecomeThreeBlocksInAnthropicsOrder() {
        MessageEventStream stream = new MessageEventStream("msg_1", "auto");
        List<ObjectNode> events = new ArrayList<>();
        events.addAll(stream.onChunk(chunk(new ChatChunk.Delta("assistant", "", null, Map.of()), null)));
        events.addAll(stream.onChunk(chunk(ChatChunk.Delta.content("Let me "), null)));
        events.addAll(stream.onChunk(chunk(ChatChunk.Delta.content("check."), null)));
        events.addAll(stream.onChunk(tools(new ToolCall(0, "call_a", "function", new ToolCall.FunctionCall("f", "")))));
        events.addAll(stream.onChunk(tools(ToolCall.argumentsFragment(0, "{\"x\":"), ToolCall.argumentsFragment(0, "1}"))));
        events.addAll(stream.onChunk(tools(new ToolCall(1, "call_b", "function", new ToolCall.FunctionCall("g", "{}")))));
        events.addAll(stream.onChunk(chunk(new ChatChunk.Delta(null, null, null, Map.of()), "tool_calls")));
        events.addAll(stream.onChunk(new ChatChunk("c", ChatChunk.OBJECT, 1L, "gpt", List.of(),
                new Usage(30, 12, 42, Map.of("prompt_tokens_details",
                        JsonNodeFactory.instance.objectNode().put("cached_tokens", 10))), null, Map.of())));
        events.addAll(stream.complete());

        assertThat(events).extracting(e -> e.get("type").asText() + (e.has("index") ? e.get("index").asInt() : ""))
                .containsExactly("message_start", "ping",
                        "content_block_start0", "content_block_delta0", "content_block_delta0", "content_block_stop0",
                        "content_block_start1", "content_block_delta1", "content_block_delta1", "content_block_stop1",
                        "content_block_start2", "content_block_delta2", "content_block_stop2",
                        "message_delta", "message_stop");
        assertThat(events.getFirst().at("/message/id").asText()).isEqualTo("msg_1");
        assertThat(events.getFirst().at("/message/model").asText()).isEqualTo("auto");
        assertThat(events.get(3).at("/delta/type").asText()).isEqualTo("text_delta");
        assertThat(events.get(6).at("/content_block/type").asText()).isEqualTo("tool_use");
        assertThat(events.get(6).at("/content_block/id").asText()).isEqualTo("call_a");
        assertThat(events.get(8).at("/delta/partial_json").asText()).isEqualTo("1}");
        ObjectNode delta = events.get(13);
        assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("tool_use");
        assertThat(delta.at("/usage/input_tokens").asInt()).isEqualTo(20);
        assertThat(delta.at("/usage/cache_read_input_tokens").asInt()).isEqualTo(10);
        assertThat(delta.at("/usage/output_tokens").asInt()).isEqualTo(12);
    }

    @Test
    void anthropicsOwnEventsPassAsTheyCameAndNothingIsAdded() {
        MessageEventStream stream = new MessageEventStream("msg_1", "claude");
        ObjectNode ping = JsonNodeFactory.instance.objectNode().put("type", "ping");
        ChatChunk carrying = new ChatChunk("c", ChatChunk.OBJECT, 1L, "m", List.of(), null, null,
                Map.of(AnthropicOrigin.EVENT, ping));

        assertThat(stream.onChunk(carrying)).containsExactly(ping);
        assertThat(stream.complete()).isEmpty();
    }

    @Test
    void anEmptyStreamStillHasAWholeSequenceAndErrorsAreAnthropicsShape() {
        assertThat(new MessageEventStream("msg_1", "m").complete()).extracting(e -> e.get("type").asText())
                .containsExactly("message_start", "ping", "message_delta", "message_stop");
        ObjectNode error = AnthropicErrors.body(new UpstreamError("anthropic", 529, "Overloaded", null, true, null, null));
        assertThat(error.at("/type").asText()).isEqualTo("error");
        assertThat(error.at("/error/type").asText()).isEqualTo("overloaded_error");
        assertThat(AnthropicErrors.status(new UpstreamError("openai", 500, "boom", null, true, null, null))).isEqualTo(500);
    }
}
