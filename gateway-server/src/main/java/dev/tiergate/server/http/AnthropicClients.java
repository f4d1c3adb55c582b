package dev.tiergate.server.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * How an Anthropic client (an Anthropic SDK, Claude Code) is told apart and authenticated: it sends
 * its key as {@code x-api-key} (or, with {@code ANTHROPIC_AUTH_TOKEN}, as {@code Authorization:
 * Bearer}), and {@code anthropic-version} on every request. Such a client gets Anthropic's shapes:
 * errors, and the model list of {@code GET /v1/models}.
 */
final class AnthropicClients {
    static final String API_KEY = "x-api-key";
    static final String VERSION = "anthropic-version";

    private AnthropicClients() {
    }

    /** {@code Authorization}, else {@code x-api-key} as {@code Bearer <key>}; null when neither is sent. */
    static String authorization(HttpHeaders headers) {
        String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null && !authorization.isBlank()) {
            return authorization;
        }
        String key = headers.get(API_KEY);
        return key == null || key.isBlank() ? authorization : "Bearer " + key.strip();
    }

    /** A request to the Messages API, or one carrying {@code anthropic-version} or {@code x-api-key}. */
    static boolean asks(String path, HttpHeaders headers) {
        return path.startsWith("/v1/messages") || headers.contains(VERSION) || headers.contains(API_KEY);
    }
}
