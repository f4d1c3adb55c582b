package dev.tiergate.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Plain HTTP calls to a gateway's admin API and API port, and a bounded wait for a condition. */
final class AdminCalls {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AdminCalls() {
    }

    static HttpResponse<String> call(String method, URI uri, String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * An admin call that must answer {@code status}; its JSON body. A {@code 503} (a store that did
     * not answer in time on a busy machine, which asks to be asked again) is asked again, up to 3 times.
     */
    static JsonNode admin(TestGateway gateway, String method, String path, String body, int status) {
        HttpResponse<String> response = call(method, gateway.managementUri(path), AccountingFixtures.ADMIN_KEY, body);
        for (int retry = 0; retry < 3 && response.statusCode() == 503 && status != 503; retry++) {
            response = call(method, gateway.managementUri(path), AccountingFixtures.ADMIN_KEY, body);
        }
        if (response.statusCode() != status) {
            throw new AssertionError(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return AccountingFixtures.json(response.body());
    }

    /** A chat request for {@code model} with {@code key}; temperature 0, so the caches keep it. */
    static HttpResponse<String> chat(TestGateway gateway, String key, String model, String prompt) {
        String body = "{\"model\":\"" + model + "\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}]}";
        return call("POST", gateway.uri("/v1/chat/completions"), key, body);
    }

    /** The cache outcome header of a request that must succeed. */
    static String cacheOf(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new AssertionError(response.statusCode() + " " + response.body());
        }
        return response.headers().firstValue("x-tiergate-cache").orElse("none");
    }

    /** Waits up to {@code timeout} for {@code condition}; the milliseconds it took. */
    static long await(BooleanSupplier condition, Duration timeout, String what) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
