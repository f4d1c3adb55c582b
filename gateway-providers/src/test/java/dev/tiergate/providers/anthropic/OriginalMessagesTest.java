package dev.tiergate.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.model.AnthropicOrigin;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.providers.internal.UpstreamCalls.Post;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an Anthropic upstream gets for a request that came in as an Anthropic Messages request. */
class OriginalMessagesTest {
    private static final URI MESSAGES = URI.create("https://api.anthropic.com/v1/messages");

    private static ChatRequest translated(ObjectNode body, Map<String, String> headers) {
        ObjectNode origin = JsonNodeFactory.instance.objectNode();
        origin.set("body", body);
        ObjectNode h = origin.putObject("headers");
        headers.forEach(h::put);
        return ChatRequest.of("claude", List.of(Message.user("hi"))).withExtra(Map.of(AnthropicOrigin.REQUEST, origin));
    }

    @Test
    void theBodyGoesAsItCameButForModelAndStream() {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("max_tokens", 10).put("an_unknown_field", 1);
        body.putArray("messages").addObject().put("role", "user").putArray("content").addObject()
                .put("type", "text").put("text", "hi").putObject("cache_control").put("type", "ephemeral");
        OriginalMessages original = OriginalMessages.of(translated(body, Map.of()));

        // automatic breakpoints on: the client placed one of its own, so nothing is added
        Post stream = original.post(MESSAGES, "claude-sonnet-4-5-20250929", true, Map.of(), true);
        Post plain = original.post(MESSAGES, "claude-sonnet-4-5-20250929", false, Map.of(), true);

        ObjectNode expected = body.deepCopy().put("model", "claude-sonnet-4-5-20250929");
        assertThat((JsonNode) plain.body()).isEqualTo(expected);
        assertThat((JsonNode) stream.body()).isEqualTo(expected.deepCopy().put("stream", true));
        assertThat(body.has("model")).as("the carried body is not changed").isFalse();
        assertThat(plain.headers()).isEmpty();
    }

    @Test
    void theClientsVersionAndBetasGoWithTheConfiguredBetas() {
        OriginalMessages original = OriginalMessages.of(translated(JsonNodeFactory.instance.objectNode(),
                Map.of("anthropic-version", "2023-06-01", "anthropic-beta", "b-one, unknown-2099 ,b-two")));

        Post post = original.post(MESSAGES, "m", false, Map.of("Anthropic-Beta", "configured,b-two"), false);

        assertThat(post.headers()).containsEntry("anthropic-version", "2023-06-01")
                .containsEntry("anthropic-beta", "configured,b-two,b-one,unknown-2099");
    }

    /** An Anthropic SDK app that sets no breakpoint gets the gateway's when its team has them on. */
    @Test
    void aBodyWithoutBreakpointsGetsTheGatewaysWhenTheTeamHasThemOn() {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("max_tokens", 10)
                .put("system", "You are the support assistant of Example Corp. ".repeat(120));
        body.putArray("messages").addObject().put("role", "user").put("content", "Where is my order?");
        OriginalMessages original = OriginalMessages.of(translated(body, Map.of()));

        JsonNode on = (JsonNode) original.post(MESSAGES, "claude-sonnet-4-5-20250929", false, Map.of(), true).body();
        JsonNode off = (JsonNode) original.post(MESSAGES, "claude-sonnet-4-5-20250929", false, Map.of(), false).body();

        assertThat(on.findValue("cache_control")).as("a breakpoint on the long system prompt").isNotNull();
        assertThat(on.path("system").get(0).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        assertThat(off.findValue("cache_control")).isNull();
        assertThat(off.path("system").isTextual()).isTrue();
        assertThat(body.findValue("cache_control")).as("the carried body is not changed").isNull();
    }

    @Test
    void aRequestThatWasNotAMessagesRequestHasNone() {
        assertThat(OriginalMessages.of(ChatRequest.of("claude", List.of(Message.user("hi"))))).isNull();
    }
}
