package dev.tiergate.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.providers.testing.Fixtures;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written scan of a chunk and of a plain answer against the data binding it replaces: for
 * every payload both give the same outcome (an equal record that encodes to the same JSON, or none
 * / a failure), and for the usual shapes the scan itself reads it (not its fall-back to binding).
 */
class OpenAiAnswerScanTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Real-shaped chunks: OpenAI's and compatible servers' fields, escapes, whitespace, nulls. */
    private static final List<String> USUAL = List.of(
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
                    + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":"
                    + "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],"
                    + "\"usage\":null,\"obfuscation\":\"a8Kd\"}",
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\"caf\\u00e9 \\ud83d\\ude00 \\\"quoted\\\" \\\\ back\\nslash \\t tab \\/\"},"
                    + "\"finish_reason\":null}]}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"naïve 日本語 😀\"},\"finish_reason\":null}]}",
            " {\n  \"id\" : \"c\" ,\r\n\t\"choices\" : [ { \"index\" : 0 , \"delta\" : { } , \"finish_reason\" : \"stop\" } ] ,"
                    + " \"usage\" : null }  ",
            "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":15,\"total_tokens\":65,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":32,\"audio_tokens\":0},"
                    + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"accepted_prediction_tokens\":0}}}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
                    + "{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}},"
                    + "{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":1}\"}}]},"
                    + "\"finish_reason\":null}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"},"
                    + "\"extra_key\":{\"nested\":[1,2]}}]},\"finish_reason\":null}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":null,\"function_call\":{\"name\":\"f\",\"arguments\":\"{}\"}},"
                    + "\"finish_reason\":\"function_call\"}]}",
            "{\"id\":null,\"object\":null,\"created\":null,\"model\":null,\"choices\":null,\"usage\":null,"
                    + "\"system_fingerprint\":null,\"unknown\":null}",
            "{\"choices\":[{\"index\":null,\"delta\":null,\"logprobs\":null,\"finish_reason\":null}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":{\"content\":[{\"token\":\"Hi\","
                    + "\"logprob\":-0.0001,\"bytes\":[72,105],\"top_logprobs\":[]}],\"refusal\":null},\"finish_reason\":null}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}},{\"index\":1,\"delta\":{\"content\":\"b\"}},"
                    + "{\"index\":2,\"delta\":{\"content\":\"c\"},\"finish_reason\":\"length\"}]}",
            "{\"x_float\":1.5,\"x_long\":12345678901,\"x_big\":123456789012345678901234567890,\"x_exp\":1e400,"
                    + "\"x_neg\":-0,\"x_true\":true,\"x_false\":false,\"x_arr\":[null,\"s\",{\"k\":[]}],\"created\":12345678901}",
            "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0,\"total_tokens\":0,"
                    + "\"cost\":0.00012}}",
            "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"code\":null}}",
            "{}",
            "{\"id\":\"a\",\"id\":\"b\",\"choices\":[{\"index\":0}],\"choices\":[{\"index\":1}],\"u\":1,\"u\":2}");

    /** Shapes binding coerces or rejects: the scan hands them over, and the outcome stays the binder's. */
    private static final List<String> UNUSUAL = List.of(
            "{\"id\":123,\"choices\":[]}",
            "{\"id\":true}",
            "{\"created\":\"1700000000\"}",
            "{\"created\":1.7e9}",
            "{\"created\":123456789012345678901234567890}",
            "{\"choices\":[{\"index\":1.0}]}",
            "{\"choices\":[{\"index\":\"2\"}]}",
            "{\"choices\":[{\"index\":3000000000}]}",
            "{\"choices\":[null]}",
            "{\"choices\":{\"index\":0}}",
            "{\"choices\":[{\"delta\":{\"content\":[\"a\"]}}]}",
            "{\"choices\":[{\"delta\":{\"content\":{\"text\":\"a\"}}}]}",
            "{\"choices\":[{\"delta\":{\"tool_calls\":[null]}}]}",
            "{\"choices\":[{\"delta\":{\"tool_calls\":{\"index\":0}}}]}",
            "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":{\"a\":1}}}]}}]}",
            "{\"choices\":[{\"delta\":\"text\"}]}",
            "{\"usage\":{\"prompt_tokens\":\"5\"}}",
            "{\"usage\":[]}",
            "{\"choices\":[{\"finish_reason\":1}]}",
            "[1,2]",
            "\"text\"",
            "null",
            "42",
            "",
            "   ",
            "{\"id\":\"c\"",
            "{\"id\":\"c\",}",
            "{\"id\":\"c\"} trailing",
            "{\"id\":\"c\"}{\"id\":\"d\"}",
            "{'id':'c'}",
            "{\"id\":\"\\x\"}",
            "{\"id\":\"c\"\"model\":\"m\"}");

    @Test
    void readsTheUsualShapesItselfAsBindingDoes() throws IOException {
        List<String> corpus = new ArrayList<>(USUAL);
        corpus.addAll(fixturePayloads("text.sse", "tool-calls.sse", "tool-calls-whole.sse", "cached.sse",
                "mid-stream-error.sse"));
        assertThat(corpus).hasSizeGreaterThan(USUAL.size() + 10);
        for (String payload : corpus) {
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            ChatChunk scanned = OpenAiAnswerScan.scanChunk(bytes);
            assertThat(scanned).as(payload).isNotNull();
            assertSameAsBinding(bytes, scanned);
        }
    }

    @Test
    void leavesOtherShapesToBindingWithTheSameOutcome() throws IOException {
        for (String payload : UNUSUAL) {
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            assertSameAsBinding(bytes, OpenAiAnswerScan.chunk(bytes));
        }
        byte[] malformedUtf8 = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, '(', '"', '}'};
        assertSameAsBinding(malformedUtf8, OpenAiAnswerScan.chunk(malformedUtf8));
    }

    @Test
    void agreesWithBindingOnRandomChunks() throws IOException {
        Random random = new Random(20);
        int scannedItself = 0;
        for (int i = 0; i < 3_000; i++) {
            boolean unusual = i % 4 == 3;
            String payload = write(randomChunk(random, unusual), random);
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            if (OpenAiAnswerScan.scanChunk(bytes) != null) {
                scannedItself++;
            }
            assertSameAsBinding(bytes, OpenAiAnswerScan.chunk(bytes));
        }
        assertThat(scannedItself).as("chunks the scan read without binding").isGreaterThan(2_250);
    }

    /** Plain answers as OpenAI-compatible servers write them. */
    private static final List<String> USUAL_COMPLETIONS = List.of(
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Paris \\u00e9\\ud83d\\ude00\","
                    + "\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":10,\"total_tokens\":29,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0}},\"service_tier\":\"default\","
                    + "\"system_fingerprint\":\"fp_1\"}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
                    + "{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}]},"
                    + "\"finish_reason\":\"tool_calls\"}]}",
            " {\n \"choices\" : [ { \"message\" : { \"role\" : \"assistant\" , \"content\" : \"\" , \"name\" : \"bot\" ,"
                    + " \"tool_call_id\" : null } , \"finish_reason\" : \"length\" , \"index\" : 1 } ] }\r\n",
            "{\"choices\":[{\"index\":0,\"message\":null},{\"index\":1,\"message\":{\"content\":\"b\"}}],\"usage\":null}",
            "{\"choices\":null,\"id\":null,\"created\":null,\"x\":{\"y\":[1.5,null]},\"x\":2}",
            "{}");

    /** Shapes binding coerces or rejects, or that the scan leaves to it. */
    private static final List<String> UNUSUAL_COMPLETIONS = List.of(
            "{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"}]}}]}",
            "{\"choices\":[{\"message\":{\"content\":7}}]}",
            "{\"choices\":[{\"message\":{\"content\":{\"a\":1}}}]}",
            "{\"choices\":[{\"index\":\"0\"}]}",
            "{\"choices\":[null]}",
            "{\"choices\":[{\"message\":{\"tool_calls\":[null]}}]}",
            "{\"created\":1.5}",
            "null",
            "[]",
            "",
            "{\"id\":",
            "<html>502</html>");

    @Test
    void readsUsualCompletionsItselfAsBindingDoes() throws IOException {
        List<String> corpus = new ArrayList<>(USUAL_COMPLETIONS);
        for (String fixture : List.of("completion.json", "tool-calls.json", "cached-completion.json")) {
            corpus.add(Fixtures.read("openai", fixture));
        }
        for (String body : corpus) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            assertThat(OpenAiAnswerScan.scanCompletion(bytes)).as(body).isNotNull();
            assertSameCompletionAsBinding(bytes);
        }
        for (String body : UNUSUAL_COMPLETIONS) {
            assertSameCompletionAsBinding(body.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void agreesWithBindingOnRandomCompletions() throws IOException {
        Random random = new Random(21);
        int scannedItself = 0;
        for (int i = 0; i < 2_000; i++) {
            ObjectNode completion = randomChunk(random, false);
            if (completion.get("choices") instanceof ArrayNode choices) {
                for (JsonNode choice : choices) {
                    JsonNode delta = ((ObjectNode) choice).remove("delta");
                    if (delta != null) {
                        ((ObjectNode) choice).set("message", delta);
                    }
                }
            }
            if (i % 4 == 3) {
                breakOne(completion, random);
            }
            byte[] bytes = write(completion, random).getBytes(StandardCharsets.UTF_8);
            if (OpenAiAnswerScan.scanCompletion(bytes) != null) {
                scannedItself++;
            }
            assertSameCompletionAsBinding(bytes);
        }
        assertThat(scannedItself).as("completions the scan read without binding").isGreaterThan(1_500);
    }

    private static void assertSameCompletionAsBinding(byte[] body) throws IOException {
        ChatCompletion bound;
        try {
            bound = OpenAiJson.reader().readValue(body, ChatCompletion.class);
        } catch (IOException e) {
            bound = null;
        }
        ChatCompletion actual;
        try {
            actual = OpenAiAnswerScan.completion(body);
        } catch (IOException e) {
            actual = null;
        }
        String as = new String(body, StandardCharsets.UTF_8);
        assertThat(actual).as(as).isEqualTo(bound);
        if (bound != null) {
            assertThat(Json.mapper().readTree(Json.mapper().writeValueAsBytes(actual))).as(as)
                    .isEqualTo(Json.mapper().readTree(Json.mapper().writeValueAsBytes(bound)));
        }
    }

    /** The JSON payloads of the {@code data:} lines in these OpenAI stream fixtures. */
    static List<String> fixturePayloads(String... fixtures) {
        List<String> payloads = new ArrayList<>();
        for (String fixture : fixtures) {
            for (String line : Fixtures.read("openai", fixture).split("\r?\n")) {
                if (line.startsWith("data: {")) {
                    payloads.add(line.substring("data: ".length()));
                }
            }
        }
        return payloads;
    }

    static void assertSameAsBinding(byte[] payload, ChatChunk actual) throws IOException {
        ChatChunk bound;
        try {
            bound = OpenAiJson.reader().readValue(payload, ChatChunk.class);
        } catch (IOException e) {
            bound = null;
        }
        String as = new String(payload, StandardCharsets.UTF_8);
        assertThat(actual).as(as).isEqualTo(bound);
        if (bound != null) {   // the same JSON when encoded again (fields we do not model: binding's order was a hash map's)
            assertThat(Json.mapper().readTree(Json.mapper().writeValueAsBytes(actual))).as(as)
                    .isEqualTo(Json.mapper().readTree(Json.mapper().writeValueAsBytes(bound)));
        }
    }

    // ---- a generator of chunks as OpenAI-compatible servers write them, with wrong types now and then

    static ObjectNode randomChunk(Random r, boolean unusual) {
        ObjectNode chunk = NODES.objectNode();
        List<Runnable> fields = new ArrayList<>();
        fields.add(() -> chunk.set("id", maybe(r, NODES.textNode("chatcmpl-" + r.nextInt(1000)))));
        fields.add(() -> chunk.set("object", maybe(r, NODES.textNode(ChatChunk.OBJECT))));
        fields.add(() -> chunk.set("created", maybe(r, r.nextBoolean() ? NODES.numberNode(1_700_000_000L + r.nextInt(100))
                : NODES.numberNode(r.nextInt(100)))));
        fields.add(() -> chunk.set("model", maybe(r, NODES.textNode(text(r)))));
        fields.add(() -> chunk.set("system_fingerprint", maybe(r, NODES.textNode("fp_" + r.nextInt(9)))));
        fields.add(() -> {
            ArrayNode choices = NODES.arrayNode();
            int n = r.nextInt(10) < 7 ? 1 : r.nextInt(4);
            for (int i = 0; i < n; i++) {
                choices.add(randomChoice(r, i));
            }
            chunk.set("choices", r.nextInt(20) == 0 ? NODES.nullNode() : choices);
        });
        fields.add(() -> chunk.set("usage", r.nextInt(4) == 0 ? randomUsage(r) : NODES.nullNode()));
        fields.add(() -> chunk.set("service_tier", NODES.textNode("default")));
        fields.add(() -> chunk.set("obfuscation", NODES.textNode(text(r))));
        fields.add(() -> chunk.set("x_" + r.nextInt(3), randomValue(r, 2)));
        java.util.Collections.shuffle(fields, r);
        fields.subList(0, r.nextInt(fields.size() + 1)).forEach(Runnable::run);
        if (unusual) {
            breakOne(chunk, r);
        }
        return chunk;
    }

    private static ObjectNode randomChoice(Random r, int index) {
        ObjectNode choice = NODES.objectNode();
        choice.set("index", maybe(r, NODES.numberNode(index)));
        if (r.nextInt(10) > 0) {
            ObjectNode delta = NODES.objectNode();
            if (r.nextInt(4) == 0) {
                delta.put("role", "assistant");
            }
            if (r.nextInt(3) > 0) {
                delta.set("content", maybe(r, NODES.textNode(text(r))));
            }
            if (r.nextInt(6) == 0) {
                delta.putNull("refusal");
            }
            if (r.nextInt(4) == 0) {
                ArrayNode calls = delta.putArray("tool_calls");
                for (int i = 0; i < 1 + r.nextInt(2); i++) {
                    ObjectNode call = calls.addObject().put("index", i);
                    if (r.nextBoolean()) {
                        call.put("id", "call_" + r.nextInt(99)).put("type", "function");
                    }
                    ObjectNode function = call.putObject("function");
                    if (r.nextBoolean()) {
                        function.put("name", "get_" + r.nextInt(9));
                    }
                    function.set("arguments", maybe(r, NODES.textNode("{\"q\":\"" + text(r).replace("\"", "") + "\"}")));
                    if (r.nextInt(5) == 0) {
                        call.set("provider_specific", randomValue(r, 1));
                    }
                }
            }
            if (r.nextInt(8) == 0) {
                delta.set("reasoning_content", randomValue(r, 1));
            }
            choice.set("delta", delta);
        } else {
            choice.putNull("delta");
        }
        if (r.nextBoolean()) {
            choice.set("logprobs", r.nextInt(3) == 0 ? NODES.objectNode().set("content",
                    NODES.arrayNode().add(NODES.objectNode().put("token", text(r)).put("logprob", -r.nextDouble())))
                    : NODES.nullNode());
        }
        String[] reasons = {"stop", "length", "tool_calls", "content_filter"};
        choice.set("finish_reason", r.nextInt(5) == 0 ? NODES.textNode(reasons[r.nextInt(4)]) : NODES.nullNode());
        if (r.nextInt(6) == 0) {
            choice.set("native_finish_reason", randomValue(r, 1));
        }
        return choice;
    }

    private static ObjectNode randomUsage(Random r) {
        ObjectNode usage = NODES.objectNode();
        int prompt = r.nextInt(5000);
        int completion = r.nextInt(500);
        usage.put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
        if (r.nextBoolean()) {
            usage.putObject("prompt_tokens_details").put("cached_tokens", r.nextInt(prompt + 1)).put("audio_tokens", 0);
        }
        if (r.nextBoolean()) {
            usage.putObject("completion_tokens_details").put("reasoning_tokens", r.nextInt(100));
        }
        if (r.nextInt(4) == 0) {
            usage.put("cost", r.nextDouble() / 100);
        }
        return usage;
    }

    /** Replaces one value somewhere in the chunk with one of another type. */
    private static void breakOne(ObjectNode chunk, Random r) {
        List<ObjectNode> objects = new ArrayList<>();
        collect(chunk, objects);
        ObjectNode target = objects.get(r.nextInt(objects.size()));
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        String name = names.isEmpty() ? "id" : names.get(r.nextInt(names.size()));
        JsonNode[] wrong = {NODES.numberNode(7), NODES.numberNode(2.5), NODES.textNode("9"), NODES.booleanNode(true),
                NODES.arrayNode().addNull(), NODES.objectNode().put("k", 1), NODES.numberNode(3_000_000_000L),
                NODES.numberNode(new BigInteger("123456789012345678901234567890"))};
        target.set(name, wrong[r.nextInt(wrong.length)]);
    }

    private static void collect(JsonNode node, List<ObjectNode> into) {
        if (node instanceof ObjectNode object) {
            into.add(object);
        }
        for (JsonNode child : node) {
            collect(child, into);
        }
    }

    private static JsonNode randomValue(Random r, int depth) {
        return switch (r.nextInt(depth > 0 ? 9 : 7)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(r.nextBoolean());
            case 2 -> NODES.numberNode(r.nextInt());
            case 3 -> NODES.numberNode(r.nextLong());
            case 4 -> NODES.numberNode(r.nextDouble() * 1000);
            case 5, 6 -> NODES.textNode(text(r));
            case 7 -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = r.nextInt(3); i > 0; i--) {
                    a.add(randomValue(r, depth - 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = NODES.objectNode();
                for (int i = r.nextInt(3); i > 0; i--) {
                    o.set("k" + i, randomValue(r, depth - 1));
                }
                yield o;
            }
        };
    }

    private static JsonNode maybe(Random r, JsonNode value) {
        return r.nextInt(12) == 0 ? NODES.nullNode() : value;
    }

    private static String text(Random r) {
        String[] pieces = {"Hello", " world", "", "é", "日本", "😀", "\"", "\\", "\n", "\t", "\u0000", "\u2028", "/",
                "a b", "{\"json\":1}", "\u007f"};
        StringBuilder s = new StringBuilder();
        for (int i = r.nextInt(4); i >= 0; i--) {
            s.append(pieces[r.nextInt(pieces.length)]);
        }
        return s.toString();
    }

    /** JSON text of {@code node} with random whitespace between tokens and random {@code \\u} escapes. */
    static String write(JsonNode node, Random r) {
        StringBuilder out = new StringBuilder();
        write(node, r, out);
        return space(r) + out + space(r);
    }

    private static void write(JsonNode node, Random r, StringBuilder out) {
        if (node.isObject()) {
            out.append('{').append(space(r));
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                string(field.getKey(), r, out);
                out.append(space(r)).append(':').append(space(r));
                write(field.getValue(), r, out);
                if (fields.hasNext()) {
                    out.append(space(r)).append(',').append(space(r));
                }
            }
            out.append(space(r)).append('}');
        } else if (node.isArray()) {
            out.append('[').append(space(r));
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(space(r)).append(',').append(space(r));
                }
                write(node.get(i), r, out);
            }
            out.append(space(r)).append(']');
        } else if (node.isTextual()) {
            string(node.textValue(), r, out);
        } else {
            out.append(node);
        }
    }

    private static void string(String text, Random r, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || (c > 0x7e && r.nextBoolean()) || r.nextInt(30) == 0) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static String space(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> " ";
            case 1 -> "\n  ";
            case 2 -> "\r\n\t";
            default -> "";
        };
    }
}
