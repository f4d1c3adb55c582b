package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** Priced models on a WireMock upstream, plain HTTP calls, and a clock tests move. */
final class AccountingFixtures {
    static final String ADMIN_KEY = "sk-test-admin";
    static final String ADMIN_SHA256 = "%064x".formatted(new java.math.BigInteger(1,
            dev.tiergate.server.auth.ApiKeyAuthenticator.sha256(ADMIN_KEY)));
    static final String CACHED_PROMPT = "long shared prefix";
    /** A stream prompt answered like an upstream that was not asked for usage: no usage chunk. */
    static final String NO_USAGE_PROMPT = "Stream without usage";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private AccountingFixtures() {
    }

    /**
     * gpt-4o-mini and gpt-4o at list prices, {@code pricey} (1000 USD per million either way), alias
     * auto; gpt-4o-mini and pricey reserve at most 20 output tokens (their answers have 11).
     */
    static String gatewayYaml(int upstreamPort, String extra) {
        return """
                server: {host: 127.0.0.1, request-timeout-seconds: 20}
                providers:
                  up: {type: openai, base-url: "http://127.0.0.1:%d/v1", api-key: sk-upstream-secret}
                models:
                  gpt-4o-mini: {provider: up, max-output-tokens: 20}
                  gpt-4o: {provider: up}
                  pricey: {provider: up, upstream-model: gpt-4o-mini, max-output-tokens: 20, price: {input: 1000, output: 1000}}
                aliases:
                  auto:
                    default-tier: small
                    tiers: {small: [gpt-4o-mini], frontier: [gpt-4o]}
                admin-keys: [{id: ops, sha256: %s}]
                """.formatted(upstreamPort, ADMIN_SHA256) + extra;
    }

    /** The usual answers (usage 12 in, 11 out), and for {@link #CACHED_PROMPT} 2000 in (1024 cached), 300 out. */
    static void stub(WireMockServer upstream) {
        UpstreamFixtures.stubChat(upstream, 3, 30);
        String withoutUsage = UpstreamFixtures.streamBody("gpt-4o-mini", UpstreamFixtures.ANSWER_WORDS).lines()
                .filter(line -> !line.contains("\"choices\":[]")).map(line -> line + "\n")
                .collect(java.util.stream.Collectors.joining());
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing(NO_USAGE_PROMPT))
                .atPriority(0)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(withoutUsage)));
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing(CACHED_PROMPT))
                .atPriority(0)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                        {"id":"chatcmpl-c","object":"chat.completion","created":1700000000,"model":"gpt-4o",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":2000,"completion_tokens":300,"total_tokens":2300,
                                  "prompt_tokens_details":{"cached_tokens":1024}}}
                        """)));
    }

    static HttpResponse<String> chat(TestGateway gateway, String key, String model, String prompt) {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        return send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static HttpResponse<String> get(TestGateway gateway, String path, String key) {
        return get(gateway.uri(path), key);
    }

    static HttpResponse<String> get(URI uri, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return send(request.build());
    }

    /** The metrics, scraped from the management port. */
    static PrometheusText metrics(TestGateway gateway) {
        HttpResponse<String> response = get(gateway.managementUri("/metrics"), null);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /metrics: " + response.statusCode() + " " + response.body());
        }
        return PrometheusText.parse(response.body());
    }

    static JsonNode usage(TestGateway gateway, String query, String key) {
        gateway.flushUsage();
        HttpResponse<String> response = get(gateway, "/v1/usage" + query, key);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /v1/usage" + query + ": " + response.statusCode() + " " + response.body());
        }
        return json(response.body());
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A clock that stands still until a test moves it. */
    static final class TestClock extends Clock {
        private final AtomicReference<Instant> now;

        TestClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void advance(Duration by) {
            now.updateAndGet(t -> t.plus(by));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
