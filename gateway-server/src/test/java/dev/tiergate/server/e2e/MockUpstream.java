package dev.tiergate.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * A provider that caches prompt prefixes the way its documentation says, on the JDK's HTTP server:
 * the base of the mock Anthropic and OpenAI upstreams of the prompt-cache replay. Tokens are
 * counted as one per four characters of the JSON the gateway sent (rounded up): the replay's
 * figures are about what is cached and billed, not about a tokenizer. Keeps the usage it reported
 * for each request, in order, for the hand computation.
 */
abstract class MockUpstream implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int CHARS_PER_TOKEN = 4;
    /** Output tokens of every answer. */
    static final int OUTPUT_TOKENS = 120;

    /** The usage reported for one request: input not cached, read from and written to the cache, output. */
    record Reported(long uncachedInput, long cacheRead, long cacheWrite, long output, JsonNode request) {
        long input() {
            return uncachedInput + cacheRead + cacheWrite;
        }
    }

    private final HttpServer server;
    private final List<Reported> reported = Collections.synchronizedList(new ArrayList<>());

    MockUpstream(String path) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext(path, exchange -> {
            try (exchange) {
                JsonNode request = JSON.readTree(exchange.getRequestBody());
                answer(exchange, request);
            } catch (RuntimeException e) {
                respond(exchange, 500, "application/json", "{\"error\":\"" + e + "\"}");
            }
        });
        server.start();
    }

    /** Answers one request (plain or streamed) and {@link #report}s its usage. */
    abstract void answer(HttpExchange exchange, JsonNode request) throws IOException;

    void report(Reported usage) {
        reported.add(usage);
    }

    /** The usage reported so far, in request order; cleared by {@link #clear()}. */
    List<Reported> reported() {
        return List.copyOf(reported);
    }

    void clear() {
        reported.clear();
    }

    int port() {
        return server.getAddress().getPort();
    }

    static long tokens(String text) {
        return (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    /** The answer text of {@value #OUTPUT_TOKENS} tokens. */
    static String answerText() {
        return "ok. ".repeat(OUTPUT_TOKENS);
    }

    static String sha256(String previous, String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(previous.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
