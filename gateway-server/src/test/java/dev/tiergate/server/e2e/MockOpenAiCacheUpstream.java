package dev.tiergate.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A mock OpenAI Chat Completions API with automatic prompt caching as OpenAI documents it: prompts
 * of {@value #MINIMUM_TOKENS} tokens or more are cached in steps of {@value #STEP} tokens, and a
 * request reads the longest cached step of its prompt (its tools, then its messages) from the
 * cache its {@code prompt_cache_key} routes it to ({@code usage.prompt_tokens_details.cached_tokens}).
 * Remembers which keys it was sent.
 */
final class MockOpenAiCacheUpstream extends MockUpstream {
    static final int MINIMUM_TOKENS = 1024;
    static final int STEP = 128;

    private final Map<String, Set<String>> caches = new ConcurrentHashMap<>();
    final Set<String> keysSeen = ConcurrentHashMap.newKeySet();

    MockOpenAiCacheUpstream() throws IOException {
        super("/v1/chat/completions");
    }

    @Override
    void answer(HttpExchange exchange, JsonNode request) throws IOException {
        StringBuilder prompt = new StringBuilder();
        prompt.append(request.path("tools"));
        request.path("messages").forEach(m -> prompt.append(m));
        String key = request.path("prompt_cache_key").asText("");
        if (!key.isEmpty()) {
            keysSeen.add(key);
        }
        Set<String> cache = caches.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet());
        long tokens = tokens(prompt.toString());
        long cached = 0;
        for (long step = MINIMUM_TOKENS; step <= tokens; step += STEP) {
            String prefix = sha256("", prompt.substring(0, (int) Math.min(prompt.length(), step * CHARS_PER_TOKEN)));
            if (cache.contains(prefix)) {
                cached = step;
            }
            cache.add(prefix);
        }
        Reported usage = new Reported(tokens - cached, cached, 0, OUTPUT_TOKENS, request);
        report(usage);
        String model = request.path("model").asText();
        if (request.path("stream").asBoolean(false)) {
            StringBuilder sse = new StringBuilder();
            ObjectNode first = chunk(model);
            first.withArray("choices").addObject().put("index", 0).putNull("finish_reason")
                    .putObject("delta").put("role", "assistant").put("content", answerText());
            sse.append("data: ").append(first).append("\n\n");
            ObjectNode last = chunk(model);
            last.withArray("choices").addObject().put("index", 0).put("finish_reason", "stop").putObject("delta");
            sse.append("data: ").append(last).append("\n\n");
            if (request.path("stream_options").path("include_usage").asBoolean(false)) {
                ObjectNode usageChunk = chunk(model);
                usageChunk.putArray("choices");
                usageChunk.set("usage", usage(usage));
                sse.append("data: ").append(usageChunk).append("\n\n");
            }
            sse.append("data: [DONE]\n\n");
            respond(exchange, 200, "text/event-stream", sse.toString());
        } else {
            ObjectNode completion = JSON.createObjectNode().put("id", "chatcmpl-mock").put("object", "chat.completion")
                    .put("created", 1754000000).put("model", model);
            completion.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                    .putObject("message").put("role", "assistant").put("content", answerText());
            completion.set("usage", usage(usage));
            respond(exchange, 200, "application/json", completion.toString());
        }
    }

    private static ObjectNode chunk(String model) {
        return JSON.createObjectNode().put("id", "chatcmpl-mock").put("object", "chat.completion.chunk")
                .put("created", 1754000000).put("model", model);
    }

    private static ObjectNode usage(Reported usage) {
        ObjectNode u = JSON.createObjectNode().put("prompt_tokens", usage.input())
                .put("completion_tokens", usage.output()).put("total_tokens", usage.input() + usage.output());
        u.putObject("prompt_tokens_details").put("cached_tokens", usage.cacheRead());
        return u;
    }
}
