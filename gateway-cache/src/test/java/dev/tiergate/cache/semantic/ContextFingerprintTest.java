package dev.tiergate.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.cache.exact.CacheKeyTest;
import dev.tiergate.cache.internal.CanonicalJson;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.model.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The context fingerprint written straight from the parsed request is, byte for byte, the tree
 * written canonically (the form before, so the partitions of entries already stored, in Redis too,
 * do not change), for every request shape of the exact cache key's test and a last message with a
 * name and fields we do not model; and it leaves out the last message's text, nothing else.
 */
class ContextFingerprintTest {
    private static final ObjectMapper MAPPER = Json.mapper();

    private static List<String> requests() {
        List<String> all = new ArrayList<>(CacheKeyTest.REQUESTS);
        all.add("{\"model\":\"auto\",\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\","
                + "\"name\":\"bob\",\"content\":\"q\",\"cache_control\":{\"type\":\"ephemeral\"},\"z\":[1,2.50]}]}");
        return all;
    }

    /** The tree the fingerprint was written from before: what it must still equal. */
    private static byte[] treeBytes(ChatRequest request) {
        List<Message> messages = request.messages();
        Message last = messages.getLast();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("model", request.model());
        root.set("context", MAPPER.valueToTree(messages.subList(0, messages.size() - 1)));
        root.put("last_role", last.role());
        if (last.name() != null) {
            root.put("last_name", last.name());
        }
        if (!last.extra().isEmpty()) {
            root.set("last_extra", MAPPER.valueToTree(last.extra()));
        }
        CanonicalJson.putAnswerParameters(root, request);
        return CanonicalJson.bytes(root);
    }

    @Test
    void theFormWrittenFromTheRequestIsTheTreeWrittenCanonically() {
        for (String json : requests()) {
            ChatRequest request = ChatRequestParser.parseChat(json.getBytes(StandardCharsets.UTF_8));
            assertThat(new String(ContextFingerprint.canonicalBytes(request), StandardCharsets.UTF_8)).as(json)
                    .isEqualTo(new String(treeBytes(request), StandardCharsets.UTF_8));
        }
    }

    @Test
    void onlyTheLastMessagesTextIsLeftOut() {
        String template = "{\"model\":\"%s\",\"temperature\":%s,\"messages\":[{\"role\":\"system\",\"content\":\"%s\"},"
                + "{\"role\":\"user\",\"content\":\"%s\"}]}";
        byte[] base = fingerprint(String.format(template, "m", "0.5", "sys", "what is 2+2"));
        assertThat(fingerprint(String.format(template, "m", "0.50", "sys", "tell me 2 plus 2"))).isEqualTo(base);
        assertThat(fingerprint(String.format(template, "m2", "0.5", "sys", "what is 2+2"))).isNotEqualTo(base);
        assertThat(fingerprint(String.format(template, "m", "0.7", "sys", "what is 2+2"))).isNotEqualTo(base);
        assertThat(fingerprint(String.format(template, "m", "0.5", "other", "what is 2+2"))).isNotEqualTo(base);
    }

    private static byte[] fingerprint(String json) {
        return CanonicalJson.sha256(ContextFingerprint.canonicalBytes(
                ChatRequestParser.parseChat(json.getBytes(StandardCharsets.UTF_8))));
    }
}
