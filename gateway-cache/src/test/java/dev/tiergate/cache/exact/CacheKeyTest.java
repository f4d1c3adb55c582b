package dev.tiergate.cache.exact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.cache.internal.CanonicalJson;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ChatRequestParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The canonical form written straight from the parsed request is, byte for byte, the tree written
 * canonically (the form before, so keys of entries already stored do not change), for plain and
 * multi-part messages, tool calls, fields we do not model, every answer parameter and number forms.
 */
public class CacheKeyTest {
    private static final ObjectMapper MAPPER = Json.mapper();

    /** Requests of every shape the canonical forms must agree on (also the semantic context fingerprint's test). */
    public static final List<String> REQUESTS = List.of(
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}",
            "{\"model\":\"auto\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                    + "{\"role\":\"user\",\"name\":\"ann\",\"content\":\"h\\u00e9llo \\\"quoted\\\"\\n\\ud83d\\ude00\"}]}",
            "{\"model\":\"gpt-4o\",\"temperature\":0.7,\"top_p\":1,\"n\":1,\"seed\":9007199254740993,\"max_completion_tokens\":100,"
                    + "\"stop\":[\"\\n\",\"END\"],\"user\":\"u-1\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
            "{\"model\":\"gpt-4o\",\"temperature\":1.0,\"top_p\":0.10,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
            "{\"model\":\"gpt-4o\",\"temperature\":0,\"top_p\":1e-7,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
            "{\"model\":\"gpt-4o\",\"temperature\":1.5E0,\"top_p\":0.3333333333333333,\"messages\":[{\"role\":\"user\",\"content\":\"\"}]}",
            "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"look\"},"
                    + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\",\"detail\":\"low\"}}]}]}",
            "{\"model\":\"gpt-4o\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"d\","
                    + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}],"
                    + "\"tool_choice\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"},"
                    + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                    + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"12C\"}]}",
            "{\"model\":\"gpt-4o\",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}},"
                    + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"strict\":true,"
                    + "\"schema\":{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"number\"},\"a\":{\"type\":\"integer\"}}}}},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
            "{\"model\":\"gpt-4o\",\"response_format\":{\"type\":\"json_object\"},\"logit_bias\":{\"50256\":-100,\"10\":1.50},"
                    + "\"zeta\":null,\"metadata\":{\"b\":\"2\",\"a\":\"1\"},\"presence_penalty\":0.0,"
                    + "\"messages\":[{\"role\":\"developer\",\"content\":\"rules\",\"cache_control\":{\"type\":\"ephemeral\"}},"
                    + "{\"role\":\"user\",\"content\":\"x\",\"name\":\"n\"}]}",
            "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"assistant\",\"content\":\"partial\",\"refusal\":null},"
                    + "{\"role\":\"user\",\"content\":\"go on\"}],\"frequency_penalty\":-0.5}");

    @Test
    void theFormWrittenFromTheRequestIsTheTreeWrittenCanonically() {
        for (String json : REQUESTS) {
            ChatRequest request = ChatRequestParser.parseChat(json.getBytes(StandardCharsets.UTF_8));
            for (String namespace : new String[] {"team:demo", "shared", "t\u00e9am \"x\""}) {
                byte[] direct = CacheKey.canonicalBytes(namespace, request);

                assertThat(new String(direct, StandardCharsets.UTF_8)).as(json)
                        .isEqualTo(new String(treeBytes(namespace, request), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void keyOrderWhitespaceAndNumberFormsDoNotChangeTheKeyButContentDoes() {
        CacheKey a = key("{\"model\":\"m\",\"temperature\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"k\":{\"b\":1,\"a\":2}}");
        CacheKey b = key("{ \"messages\" : [ {\"content\":\"x\", \"role\":\"user\"} ], \"k\":{\"a\":2.0,\"b\":1},"
                + " \"temperature\" : 1.0, \"model\":\"m\", \"stream\":true}");
        CacheKey c = key("{\"model\":\"m\",\"temperature\":1,\"messages\":[{\"role\":\"user\",\"content\":\"y\"}],\"k\":{\"b\":1,\"a\":2}}");

        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    private static CacheKey key(String json) {
        ChatRequest request = ChatRequestParser.parseChat(json.getBytes(StandardCharsets.UTF_8));
        return CacheKey.of("ns", request);
    }

    /** The form as CacheKey.of built it before: a tree, then written canonically (commit 4fc2a34). */
    private static byte[] treeBytes(String namespace, ChatRequest request) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("namespace", namespace);
        root.put("model", request.model());
        root.set("messages", MAPPER.valueToTree(request.messages()));
        CanonicalJson.putAnswerParameters(root, request);
        return CanonicalJson.bytes(root);
    }
}
