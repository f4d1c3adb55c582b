package dev.tiergate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.model.AnthropicOrigin;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.providers.internal.UpstreamCalls.Post;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A request that came to the gateway as an Anthropic Messages request ({@link AnthropicOrigin#REQUEST}):
 * sent to Anthropic as the client wrote it (thinking blocks and signatures, {@code cache_control},
 * fields this adapter does not know), with only {@code model} set to the upstream model's name and
 * {@code stream} to the kind of call, and with the client's {@code anthropic-version} and
 * {@code anthropic-beta} headers (the client's betas and the configured ones together, unknown ones
 * included: Anthropic decides).
 */
record OriginalMessages(ObjectNode body, Map<String, String> headers) {
    static final String VERSION = "anthropic-version";
    static final String BETA = "anthropic-beta";

    /** The original request a chat request carries, or null when it was not translated from one. */
    static OriginalMessages of(ChatRequest request) {
        JsonNode origin = request.extra().get(AnthropicOrigin.REQUEST);
        if (origin == null || !origin.path("body").isObject()) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        origin.path("headers").properties().forEach(h -> {
            if (h.getValue().isTextual()) {
                headers.put(h.getKey(), h.getValue().textValue());
            }
        });
        return new OriginalMessages((ObjectNode) origin.get("body"), headers);
    }

    /**
     * The call to {@code uri} for {@code upstreamModel}; {@code configured} are the provider's
     * configured headers. With {@code autoBreakpoints} (the team's {@code prompt-cache.auto-breakpoints})
     * a body without a single {@code cache_control} of the client's gets the gateway's breakpoints
     * ({@link CacheBreakpoints}); a client that placed any manages its cache itself and is sent as it wrote.
     */
    Post post(URI uri, String upstreamModel, boolean stream, Map<String, String> configured, boolean autoBreakpoints) {
        ObjectNode out = body.deepCopy();
        if (autoBreakpoints && out.findValue("cache_control") == null) {
            CacheBreakpoints.place(out, upstreamModel);
        }
        out.put("model", upstreamModel);
        if (stream) {
            out.put("stream", true);
        } else {
            out.remove("stream");
        }
        Map<String, String> sent = new LinkedHashMap<>();
        String version = headers.get(VERSION);
        if (version != null && !version.isBlank()) {
            sent.put(VERSION, version);
        }
        String betas = betas(configuredBeta(configured), headers.get(BETA));
        if (!betas.isEmpty()) {
            sent.put(BETA, betas);
        }
        return new Post(uri, out, sent);
    }

    private static String configuredBeta(Map<String, String> configured) {
        for (Map.Entry<String, String> h : configured.entrySet()) {
            if (h.getKey().equalsIgnoreCase(BETA)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** The betas of both lists, each once, in order. */
    private static String betas(String configured, String client) {
        Set<String> all = new LinkedHashSet<>();
        for (String list : new String[] {configured, client}) {
            if (list != null) {
                for (String beta : list.split(",")) {
                    if (!beta.isBlank()) {
                        all.add(beta.strip());
                    }
                }
            }
        }
        return String.join(",", all);
    }
}
