package dev.tiergate.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A mock Anthropic Messages API with prompt caching as Anthropic documents it: the prompt is the
 * tools, then the system blocks, then the messages' content blocks, in that order; a block with
 * {@code cache_control} is a breakpoint. A request reads the longest cached prefix that ends at one
 * of its breakpoints or at one of the {@value #LOOKBACK} block boundaries before each; it writes
 * the prefix of every later breakpoint that reaches {@value #MINIMUM_TOKENS} tokens (shorter ones
 * are not cached). Usage: {@code cache_read_input_tokens} the prefix read,
 * {@code cache_creation_input_tokens} from there to the last prefix written (all 5-minute writes,
 * also under {@code cache_creation.ephemeral_5m_input_tokens}), {@code input_tokens} the rest.
 * Entries live as long as the mock (a replay takes seconds, well within the 5-minute lifetime).
 */
final class MockAnthropicCacheUpstream extends MockUpstream {
    static final int LOOKBACK = 20;
    static final int MINIMUM_TOKENS = 1024;

    private final Set<String> cache = ConcurrentHashMap.newKeySet();

    MockAnthropicCacheUpstream() throws IOException {
        super("/v1/messages");
    }

    @Override
    void answer(HttpExchange exchange, JsonNode request) throws IOException {
        List<String> prefixes = new ArrayList<>();
        List<Long> cumulative = new ArrayList<>();
        List<Integer> breakpoints = new ArrayList<>();
        String hash = "";
        long tokens = 0;
        for (JsonNode block : blocks(request)) {
            ObjectNode copy = ((ObjectNode) block).deepCopy();
            if (copy.remove("cache_control") != null) {
                breakpoints.add(prefixes.size());
            }
            String text = copy.toString();
            hash = sha256(hash, text);
            tokens += tokens(text);
            prefixes.add(hash);
            cumulative.add(tokens);
        }
        int read = -1;
        for (int b : breakpoints) {
            for (int q = b; q >= Math.max(0, b - LOOKBACK); q--) {
                if (q > read && cache.contains(prefixes.get(q))) {
                    read = q;
                    break;
                }
            }
        }
        int written = -1;
        for (int b : breakpoints) {
            if (b > read && cumulative.get(b) >= MINIMUM_TOKENS) {
                cache.add(prefixes.get(b));
                written = b;
            }
        }
        long cacheRead = read < 0 ? 0 : cumulative.get(read);
        long cacheWrite = written < 0 ? 0 : cumulative.get(written) - cacheRead;
        Reported usage = new Reported(tokens - cacheRead - cacheWrite, cacheRead, cacheWrite, OUTPUT_TOKENS, request);
        report(usage);
        if (request.path("stream").asBoolean(false)) {
            respond(exchange, 200, "text/event-stream", stream(request.path("model").asText(), usage));
        } else {
            respond(exchange, 200, "application/json", message(request.path("model").asText(), usage).toString());
        }
    }

    /** Every element of the prompt that may carry a breakpoint, in prompt order (role-tagged for messages). */
    private static List<JsonNode> blocks(JsonNode request) {
        List<JsonNode> out = new ArrayList<>();
        request.path("tools").forEach(out::add);
        JsonNode system = request.path("system");
        if (system.isTextual()) {
            out.add(JSON.createObjectNode().put("type", "text").put("text", system.asText()));
        } else {
            system.forEach(out::add);
        }
        for (JsonNode message : request.path("messages")) {
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                out.add(JSON.createObjectNode().put("role", message.path("role").asText()).put("text", content.asText()));
            } else {
                for (JsonNode block : content) {
                    ObjectNode tagged = ((ObjectNode) block).deepCopy();
                    tagged.put("role", message.path("role").asText());
                    out.add(tagged);
                }
            }
        }
        return out;
    }

    private static ObjectNode usage(Reported usage, boolean start) {
        ObjectNode u = JSON.createObjectNode()
                .put("input_tokens", usage.uncachedInput())
                .put("cache_creation_input_tokens", usage.cacheWrite())
                .put("cache_read_input_tokens", usage.cacheRead());
        u.putObject("cache_creation").put("ephemeral_5m_input_tokens", usage.cacheWrite())
                .put("ephemeral_1h_input_tokens", 0);
        return u.put("output_tokens", start ? 1 : usage.output());
    }

    private static ObjectNode message(String model, Reported usage) {
        ObjectNode m = JSON.createObjectNode().put("id", "msg_mock").put("type", "message").put("role", "assistant")
                .put("model", model).put("stop_reason", "end_turn");
        m.putArray("content").addObject().put("type", "text").put("text", answerText());
        m.set("usage", usage(usage, false));
        return m;
    }

    private static String stream(String model, Reported usage) {
        ObjectNode start = message(model, usage);
        start.putArray("content");
        start.putNull("stop_reason");
        start.set("usage", usage(usage, true));
        StringBuilder sse = new StringBuilder();
        event(sse, "message_start", JSON.createObjectNode().put("type", "message_start").set("message", start));
        ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
        blockStart.putObject("content_block").put("type", "text").put("text", "");
        event(sse, "content_block_start", blockStart);
        ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
        delta.putObject("delta").put("type", "text_delta").put("text", answerText());
        event(sse, "content_block_delta", delta);
        event(sse, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", 0));
        ObjectNode messageDelta = JSON.createObjectNode().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", "end_turn").putNull("stop_sequence");
        messageDelta.putObject("usage").put("output_tokens", usage.output());
        event(sse, "message_delta", messageDelta);
        event(sse, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
        return sse.toString();
    }

    private static void event(StringBuilder sse, String type, JsonNode data) {
        sse.append("event: ").append(type).append("\ndata: ").append(data).append("\n\n");
    }
}
