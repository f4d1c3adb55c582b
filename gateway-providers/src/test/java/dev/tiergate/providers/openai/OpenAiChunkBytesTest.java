package dev.tiergate.providers.openai;

import static dev.tiergate.providers.openai.OpenAiAnswerScanTest.assertSameAsBinding;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tiergate.core.model.ChatChunk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte reader of the usual chunk against data binding: what it reads is the very record binding
 * makes (and encodes to the same JSON), it reads the chunks of a text stream itself, and every
 * payload it gives up on or that is not JSON leaves it with null (Jackson reads those).
 */
class OpenAiChunkBytesTest {

    /** As the bench's mock and OpenAI write a text stream's chunks. */
    private static final List<String> TEXT_STREAM = List.of(
            "{\"id\":\"chatcmpl-bench0000000000000000000002\",\"object\":\"chat.completion.chunk\",\"created\":1764700000,"
                    + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_bench0001\",\"choices\":[{\"index\":0,\"delta\":"
                    + "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}",
            "{\"id\":\"chatcmpl-BxQ7\",\"object\":\"chat.completion.chunk\",\"created\":1764700000,"
                    + "\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_560af6e559\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" the capital\"},\"logprobs\":null,\"finish_reason\":null}],"
                    + "\"usage\":null,\"obfuscation\":\"k3Xw\"}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}",
            "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"}}]}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"naïve 日本語 😀 \u007f\"},\"finish_reason\":null}]}",
            " {\n  \"id\" : \"c\" ,\r\n\t\"choices\" : [ { \"index\" : 0 , \"delta\" : { } , \"finish_reason\" : \"stop\" } ] , "
                    + "\"usage\" : null , \"n\" : -0 , \"t\" : true , \"f\" : false , \"i\" : -2147483648 } \n",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}},{\"index\":1,\"delta\":null},{\"index\":2}]}",
            "{\"id\":null,\"object\":null,\"created\":null,\"model\":null,\"choices\":null,\"usage\":null,"
                    + "\"system_fingerprint\":null,\"unknown\":null}",
            "{\"choices\":[{\"index\":null,\"delta\":{\"role\":null,\"content\":null,\"tool_calls\":null},\"logprobs\":null}]}",
            "{\"created\":-999999999999999999,\"x\":2147483647,\"\":\"empty name\"}",
            "{\"id\":\"lone \\ud800 surrogate and \\uDFFF\"}",
            "{\"m\\u006fdel\":\"escaped name\",\"naïve\":1,\"tab\\tname\":true}",
            "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":15,\"total_tokens\":65,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":32,\"audio_tokens\":0},"
                    + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"accepted_prediction_tokens\":0}}}",
            "{\"x\":[1,[],{},[null,true,\"s\",{\"k\":[2147483648,-2147483649,-2147483648]}]],\"y\":{ \"z\" : { } },"
                    + "\"w\":[[[[[[[1]]]]]]]}",
            "{}");

    /** Payloads it leaves to Jackson: some valid (a shape it does not read), some not JSON at all. */
    private static final List<String> LEFT_TO_JACKSON = List.of(
            "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\"}}]}}]}",
            "{\"choices\":[{\"index\":0,\"logprobs\":{\"content\":[]}}]}",
            "{\"x\":[1.0]}", "{\"x\":{\"y\":1e3}}", "{\"x\":1.5}", "{\"x\":1e3}", "{\"x\":1E3}",
            "{\"x\":1234567890123456789}", "{\"x\":{\"a\":1,\"a\":2}}", "{\"x\":[[[[[[[[[1]]]]]]]]]}", "{\"x\":01}", "{\"x\":-}", "{\"x\":+1}", "{\"created\":1.7e9}",
            "{\"created\":1234567890123456789}", "{\"choices\":[{\"index\":\"0\"}]}", "{\"choices\":[{\"index\":1.0}]}",
            "{\"id\":\"a\",\"id\":\"b\"}", "{\"u\":1,\"u\":2}", "{\"choices\":[{\"index\":0,\"index\":1}]}",
            "{\"id\":123}", "{\"id\":true}", "{\"choices\":{}}", "{\"choices\":[null]}", "{\"choices\":[{\"delta\":\"x\"}]}",
            "{\"id\":\"c\"} trailing", "{\"id\":\"c\"}{}", "{\"id\":\"c\"", "{\"id\":\"c\",}", "{\"id\" \"c\"}",
            "{'id':'c'}", "{\"id\":\"\\x\"}", "{\"id\":\"\\u00g0\"}", "{\"id\":\"\\u00\"}", "{\"id\":\"tab\there\"}",
            "{\"id\":\"a\",\"\\u0069d\":\"b\"}", "{\"na\\x\":1}", "{\"x\":nul}", "{\"x\":nullx}", "{\"x\":tru}", "[1]", "null", "",
            "   ", "\"s\"");

    /** Names of the records' components that are not JSON names: whatever it reads of them equals binding. */
    private static final List<String> COMPONENT_NAMES = List.of("{\"systemFingerprint\":\"fp\"}",
            "{\"choices\":[{\"finishReason\":\"stop\",\"logProbs\":1}]}",
            "{\"choices\":[{\"delta\":{\"toolCalls\":null}}]}", "{\"usage\":{\"promptTokens\":3}}");

    @Test
    void readsTheChunksOfATextStreamItselfAsBindingDoes() throws IOException {
        List<String> corpus = new ArrayList<>(TEXT_STREAM);
        corpus.addAll(OpenAiAnswerScanTest.fixturePayloads("text.sse"));
        assertThat(corpus).hasSizeGreaterThan(TEXT_STREAM.size() + 3);
        for (String payload : corpus) {
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            ChatChunk read = OpenAiChunkBytes.read(bytes);
            assertThat(read).as(payload).isNotNull();
            assertSameAsBinding(bytes, read);
        }
    }

    @Test
    void givesUpOnWhatItDoesNotReadAndJacksonStillReadsItAsBindingDoes() throws IOException {
        for (String payload : LEFT_TO_JACKSON) {
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            assertThat(OpenAiChunkBytes.read(bytes)).as(payload).isNull();
            assertSameAsBinding(bytes, OpenAiAnswerScan.chunk(bytes));
        }
    }

    @Test
    void readsComponentNamesAsBindingDoes() throws IOException {
        for (String payload : COMPONENT_NAMES) {
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            ChatChunk read = OpenAiChunkBytes.read(bytes);
            if (read != null) {
                assertSameAsBinding(bytes, read);
            }
            assertSameAsBinding(bytes, OpenAiAnswerScan.chunk(bytes));
        }
    }

    /**
     * A field named {@code extra}: binding takes it for the records' map of unknown fields and
     * fails on a string; both readers keep it as the unknown field the upstream sent (as the
     * Jackson scan did before the byte reader).
     */
    @Test
    void keepsAFieldNamedExtraAsAnUnknownField() {
        byte[] bytes = "{\"id\":\"c\",\"extra\":\"x\",\"choices\":[{\"index\":0,\"extra\":null}]}"
                .getBytes(StandardCharsets.UTF_8);
        for (ChatChunk chunk : List.of(OpenAiChunkBytes.read(bytes), OpenAiAnswerScan.scanChunk(bytes))) {
            assertThat(chunk.extra()).containsEntry("extra", TextNode.valueOf("x"));
            assertThat(chunk.choices().getFirst().extra()).containsEntry("extra", NullNode.getInstance());
        }
    }

    /** Strict UTF-8: an overlong form, encoded surrogates, past U+10FFFF, a cut character, a stray continuation. */
    @Test
    void givesUpOnMalformedUtf8() throws IOException {
        HexFormat hex = HexFormat.of();
        for (String bad : List.of("c080", "c1bf", "e08080", "e09fbf", "eda080", "edbfbf", "f08f8080", "f4908080",
                "f5808080", "ff", "80", "c3", "e282", "f09f98", "c328", "e228a1")) {
            byte[] bytes = concat("{\"id\":\"a", hex.parseHex(bad), "b\"}");
            assertThat(OpenAiChunkBytes.read(bytes)).as(bad).isNull();
            assertSameAsBinding(bytes, OpenAiAnswerScan.chunk(bytes));
        }
        for (String good : List.of("c280", "dfbf", "e0a080", "ed9fbf", "ee8080", "efbfbf", "f0908080", "f48fbfbf")) {
            byte[] bytes = concat("{\"id\":\"a", hex.parseHex(good), "b\"}");
            ChatChunk read = OpenAiChunkBytes.read(bytes);
            assertThat(read).as(good).isNotNull();
            assertSameAsBinding(bytes, read);
        }
    }

    /** Random chunks of the usual shape (random text, escapes and white space): read itself, equal to binding. */
    @Test
    void readsRandomUsualChunksAsBindingDoes() throws IOException {
        Random random = new Random(25);
        for (int i = 0; i < 3_000; i++) {
            ObjectNode chunk = OpenAiAnswerScanTest.randomChunk(random, false);
            usual(chunk);
            byte[] bytes = OpenAiAnswerScanTest.write(chunk, random).getBytes(StandardCharsets.UTF_8);
            ChatChunk read = OpenAiChunkBytes.read(bytes);
            assertThat(read).as(new String(bytes, StandardCharsets.UTF_8)).isNotNull();
            assertSameAsBinding(bytes, read);
        }
    }

    /** Random chunks of any shape, a quarter with a value of the wrong type: whatever it reads equals binding. */
    @Test
    void neverReadsARandomChunkOtherwiseThanBinding() throws IOException {
        Random random = new Random(26);
        int read = 0;
        for (int i = 0; i < 3_000; i++) {
            byte[] bytes = OpenAiAnswerScanTest.write(OpenAiAnswerScanTest.randomChunk(random, i % 4 == 3), random)
                    .getBytes(StandardCharsets.UTF_8);
            ChatChunk chunk = OpenAiChunkBytes.read(bytes);
            if (chunk != null) {
                read++;
                assertSameAsBinding(bytes, chunk);
            }
        }
        assertThat(read).as("random chunks read without Jackson").isGreaterThan(600);
    }

    /** The chunk without what the byte reader leaves to Jackson: tool calls, logprobs, numbers with a fraction or too long. */
    private static void usual(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(List.of("tool_calls", "logprobs"));
            object.properties().removeIf(field -> unusualNumber(field.getValue()));
        } else if (node instanceof ArrayNode array) {
            for (int k = array.size() - 1; k >= 0; k--) {
                if (unusualNumber(array.get(k))) {
                    array.remove(k);
                }
            }
        }
        for (JsonNode child : node) {
            usual(child);
        }
    }

    private static boolean unusualNumber(JsonNode value) {
        return value.isNumber() && !value.isInt() && !(value.isLong() && Math.abs(value.longValue()) < 1e18);
    }

    private static byte[] concat(String head, byte[] middle, String tail) {
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[h.length + middle.length + t.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(middle, 0, all, h.length, middle.length);
        System.arraycopy(t, 0, all, h.length + middle.length, t.length);
        return all;
    }
}
