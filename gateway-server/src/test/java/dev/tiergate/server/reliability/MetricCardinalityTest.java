package dev.tiergate.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.server.e2e.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Metric labels come from the config only: thousands of requests for made-up model names add no
 * series (each series is memory held until the process ends, and a scrape that grows without
 * bound), they are all counted under {@code model="unknown"}.
 */
@ExtendWith(NettyLeakDetection.class)
class MetricCardinalityTest {
    private static final int REQUESTS = 5_000;
    private static final int CLIENTS = 4;
    private static final String SERIES = "tiergate_requests_seconds_count{";
    private static final String YAML = """
            server: {host: 127.0.0.1}
            providers:
              sim: {type: demo, options: {first-token-ms: 0, chunk-delay-ms: 0}}
            models:
              demo-small: {provider: sim}
              demo-embedding: {provider: sim, kind: embedding}
            """;

    @Test
    void requestsForRandomModelNamesAddNoSeries() throws Exception {
        try (TestGateway gateway = TestGateway.start(YAML); var quiet = LogLevels.quiet("tiergate.access")) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            // every kind once (the scrape too), so that the series they share exist before counting
            series(http, gateway);
            assertThat(send(http, gateway, true, "demo-small").statusCode()).isEqualTo(200);
            assertThat(send(http, gateway, false, "demo-embedding").statusCode()).isEqualTo(200);
            assertThat(send(http, gateway, true, "warm-up-chat").statusCode()).isEqualTo(404);
            assertThat(send(http, gateway, false, "warm-up-embedding").statusCode()).isEqualTo(404);
            // a request is recorded just after its answer is flushed: wait until the warm-ups are
            List<String> before = series(http, gateway);
            for (int i = 0; i < 100 && before.stream().filter(line -> line.contains("status=\"404\"")).count() < 2; i++) {
                Thread.sleep(50);
                before = series(http, gateway);
            }

            AtomicInteger next = new AtomicInteger();
            AtomicInteger notFound = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    Random random = new Random(c);
                    workers.add(clients.submit(() -> {
                        for (int i = next.getAndIncrement(); i < REQUESTS; i = next.getAndIncrement()) {
                            String model = "m-" + Long.toHexString(random.nextLong()) + "-" + i;
                            if (send(http, gateway, i % 2 == 0, model).statusCode() == 404) {
                                notFound.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> worker : workers) {
                    worker.get(3, TimeUnit.MINUTES);
                }
            } finally {
                clients.shutdownNow();
            }
            List<String> after = series(http, gateway);

            assertThat(notFound).hasValue(REQUESTS);
            assertThat(after).as("series after %d requests for made-up models", REQUESTS).hasSameSizeAs(before);
            assertThat(after).noneMatch(line -> line.contains("model=\"m-"));
            assertThat(after).filteredOn(line -> line.contains("model=\"unknown\"") && line.contains("status=\"404\""))
                    .hasSize(2).allMatch(line -> line.contains("team=\"team-a\""));
            assertThat(after).anyMatch(line -> line.contains("model=\"demo-small\"") && line.contains("status=\"200\""));
        }
    }

    private static HttpResponse<String> send(HttpClient http, TestGateway gateway, boolean chat, String model)
            throws Exception {
        String body = chat
                ? "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                : "{\"model\":\"" + model + "\",\"input\":\"hi\"}";
        URI uri = gateway.uri(chat ? "/v1/chat/completions" : "/v1/embeddings");
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The {@code tiergate.requests} series, scraped from the management port. */
    private static List<String> series(HttpClient http, TestGateway gateway) throws Exception {
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(gateway.managementUri("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body().lines().filter(line -> line.startsWith(SERIES)).map(line -> line.substring(0,
                line.lastIndexOf(' '))).toList();
    }
}
