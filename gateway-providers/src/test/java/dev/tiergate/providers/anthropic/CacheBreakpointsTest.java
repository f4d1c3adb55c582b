package dev.tiergate.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ContentPart;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.MessageContent;
import dev.tiergate.core.model.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheBreakpointsTest {
    private static final String SONNET = "claude-sonnet-4-5";
    private static final String LONG = "You are a careful assistant. ".repeat(300); // ~8,700 chars, ~2,000 tokens
    private static final AnthropicMapper MAPPER = new AnthropicMapper(1024);

    private static ObjectNode body(ChatRequest request) {
        return Json.mapper().valueToTree(MAPPER.toRequest(request, false));
    }

    private static List<Tool> tools(int n, String description) {
        List<Tool> tools = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tools.add(new Tool("function", new Tool.FunctionDefinition("tool_" + i, description,
                    Json.mapper().createObjectNode().put("type", "object"), null), Map.of()));
        }
        return tools;
    }

    private static ChatRequest conversation(List<Tool> tools, String system, int turns) {
        List<Message> messages = new ArrayList<>();
        messages.add(Message.system(system));
        for (int i = 0; i < turns; i++) {
            messages.add(Message.user("Question " + i + ": " + "details ".repeat(50)));
            if (i < turns - 1) {
                messages.add(Message.assistant("Answer " + i));
            }
        }
        ChatRequest plain = ChatRequest.of(SONNET, messages);
        return tools == null ? plain : withTools(plain, tools);
    }

    private static ChatRequest withTools(ChatRequest r, List<Tool> tools) {
        return new ChatRequest(r.model(), r.messages(), r.stream(), r.streamOptions(), r.temperature(), r.topP(),
                r.maxTokens(), r.maxCompletionTokens(), r.n(), r.seed(), r.stop(), tools, r.toolChoice(),
                r.responseFormat(), r.user(), r.extra());
    }

    /** Every node carrying a cache_control, in prefix order: "tool:<name>", "system", "message:<i>". */
    private static List<String> marks(ObjectNode body) {
        List<String> out = new ArrayList<>();
        body.path("tools").forEach(t -> {
            if (t.has("cache_control")) {
                out.add("tool:" + t.path("name").asText());
            }
        });
        body.path("system").forEach(b -> {
            if (b.has("cache_control")) {
                out.add("system");
            }
        });
        JsonNode messages = body.path("messages");
        for (int i = 0; i < messages.size(); i++) {
            for (JsonNode block : messages.get(i).path("content")) {
                if (block.has("cache_control")) {
                    out.add("message:" + i);
                }
            }
        }
        return out;
    }

    @Test
    void longPrefixGetsToolsSystemLastAndPreviousUserTurn() {
        ObjectNode body = body(conversation(tools(10, "Looks something up. ".repeat(30)), LONG, 3));
        assertThat(CacheBreakpoints.place(body, SONNET)).isEqualTo(4);
        assertThat(marks(body)).containsExactly("tool:tool_9", "system", "message:2", "message:4");
        assertThat(body.at("/system/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(body.at("/system/0/text").asText()).isEqualTo(LONG);
    }

    @Test
    void prefixesShorterThanTheModelsMinimumGetNone() {
        ObjectNode small = body(conversation(tools(1, "short"), "Be brief.", 1));
        String before = small.toString();
        assertThat(CacheBreakpoints.place(small, SONNET)).isZero();
        assertThat(small.toString()).isEqualTo(before);

        // ~2,000 tokens: enough for Sonnet (1,024), not for Haiku 3.5 (2,048) at the system prompt,
        // nor for Haiku 4.5 (4,096) anywhere
        String system = "x".repeat(1500 * CacheBreakpoints.CHARS_PER_TOKEN);
        ObjectNode haiku35 = body(conversation(null, system, 1));
        CacheBreakpoints.place(haiku35, "claude-3-5-haiku-20241022");
        assertThat(marks(haiku35)).isEmpty();
        ObjectNode sonnet = body(conversation(null, system, 1));
        CacheBreakpoints.place(sonnet, SONNET);
        assertThat(marks(sonnet)).containsExactly("system", "message:0");
        ObjectNode haiku45 = body(conversation(null, system.repeat(2), 1));
        CacheBreakpoints.place(haiku45, "claude-haiku-4-5");
        assertThat(marks(haiku45)).isEmpty();
        assertThat(haiku45.path("system").isTextual()).isTrue();
    }

    @Test
    void clientBreakpointsStayAndCountAgainstTheLimitOfFour() {
        ObjectNode ephemeral = Json.mapper().createObjectNode().put("type", "ephemeral");
        ContentPart marked = new ContentPart("text", LONG, null, Map.of("cache_control", ephemeral));
        List<Message> messages = new ArrayList<>();
        messages.add(new Message("system", new MessageContent.Parts(List.of(marked)), null, null, null, Map.of()));
        for (int i = 0; i < 3; i++) {
            messages.add(new Message("user", new MessageContent.Parts(List.of(new ContentPart("text",
                    "Turn " + i + " " + "words ".repeat(20), null, Map.of("cache_control", ephemeral)))), null, null, null,
                    Map.of()));
            messages.add(Message.assistant("ok " + i));
        }
        messages.add(Message.user("Last turn " + "words ".repeat(20)));
        ObjectNode body = body(withTools(ChatRequest.of(SONNET, messages), tools(3, "Finds things. ".repeat(40))));
        List<String> clients = marks(body);
        assertThat(clients).containsExactly("system", "message:0", "message:2", "message:4");

        assertThat(CacheBreakpoints.place(body, SONNET)).isZero();
        assertThat(marks(body)).isEqualTo(clients);
    }

    @Test
    void withOneClientBreakpointThreeMoreGoInMostValuableFirst() {
        ObjectNode body = body(conversation(tools(10, "Looks something up. ".repeat(30)), LONG, 3));
        ((ObjectNode) body.at("/tools/4")).set("cache_control", Json.mapper().createObjectNode().put("type", "ephemeral"));
        assertThat(CacheBreakpoints.place(body, SONNET)).isEqualTo(3);
        assertThat(marks(body)).containsExactly("tool:tool_4", "tool:tool_9", "system", "message:4");
    }

    @Test
    void nothingGoesBeforeAClientBreakpointThatLivesAnHour() {
        ObjectNode body = body(conversation(tools(10, "Looks something up. ".repeat(30)), LONG, 3));
        ArrayNode system = Json.mapper().createArrayNode();
        system.addObject().put("type", "text").put("text", LONG)
                .set("cache_control", Json.mapper().createObjectNode().put("type", "ephemeral").put("ttl", "1h"));
        body.set("system", system);
        CacheBreakpoints.place(body, SONNET);
        assertThat(marks(body)).containsExactly("system", "message:2", "message:4");
        assertThat(body.at("/system/0/cache_control/ttl").asText()).isEqualTo("1h");
    }

    @Test
    void theMapperKeepsClientBreakpointsOnPartsAndTools() {
        ObjectNode ephemeral = Json.mapper().createObjectNode().put("type", "ephemeral");
        Tool tool = new Tool("function", new Tool.FunctionDefinition("find", "Finds.", null, null),
                Map.of("cache_control", ephemeral));
        ChatRequest request = ChatRequest.of(SONNET, List.of(
                new Message("user", new MessageContent.Parts(List.of(new ContentPart("text", "hello", null,
                        Map.of("cache_control", ephemeral)))), null, null, null, Map.of())));
        request = withTools(request, List.of(tool));
        ObjectNode body = body(request);
        assertThat(body.at("/tools/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(body.at("/messages/0/content/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(body.path("system").isMissingNode()).isTrue();
    }
}
