package dev.tiergate.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Stopping the gateway lets open streams finish, refuses new connections and says so in /readyz. */
class GracefulShutdownTest {
    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path dir;

    private static String gatewayYaml() {
        return GATEWAY_YAML + "usage:\n  file: " + dir.resolve("usage.jsonl") + "\n";
    }

    private static final String GATEWAY_YAML = """
            server:
              shutdown-grace-seconds: 20
            providers:
              sim: {type: demo, options: {first-token-ms: 0, chunk-delay-ms: 25}}
            models:
              demo-frontier: {provider: sim}
            """;

    @Test
    void fiftyOpenStreamsFinishIntactWhileTheGatewayStopsAndEveryOneIsRecorded() throws Exception {
        TestGateway gateway = TestGateway.start(gatewayYaml());
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        // each body is read on a thread of its own (in thenApply it could run on this one and block it)
        ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
        int streams = 50;
        CountDownLatch allStarted = new CountDownLatch(streams);
        List<CompletableFuture<List<String>>> bodies = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            HttpRequest request = chat(gateway, "stream number " + i);
            bodies.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenApplyAsync(response -> {
                assertThat(response.statusCode()).isEqualTo(200);
                List<String> lines = new ArrayList<>();
                try (Stream<String> body = response.body()) {
                    body.forEach(line -> {
                        if (lines.isEmpty()) {
                            allStarted.countDown();
                        }
                        lines.add(line);
                    });
                }
                return lines;
            }, readers));
        }
        assertThat(allStarted.await(20, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(gateway::close);
        awaitRefused(gateway);
        assertThat(stopped).isNotDone();
        HttpResponse<String> readiness = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(gateway.managementUri("/readyz")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).as("the management port answers until the drain is over").isEqualTo(503);
        assertThat(readiness.body()).contains("\"reason\":\"draining\"");
        stopped.get(30, TimeUnit.SECONDS);

        for (CompletableFuture<List<String>> body : bodies) {
            List<String> lines = body.get(1, TimeUnit.SECONDS).stream().filter(line -> !line.isEmpty()).toList();
            assertThat(lines.getLast()).isEqualTo("data: [DONE]");
            assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"finish_reason\":\"stop\""));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        readers.close();
        // every stream answered during the drain has its usage record, flushed before the process ends
        List<String> records = java.nio.file.Files.readAllLines(dir.resolve("usage.jsonl")).stream()
                .filter(line -> line.contains("\"stream\":true")).toList();
        assertThat(records).hasSize(streams).allSatisfy(line -> assertThat(line).contains("\"outcome\":\"complete\""));
    }

    @Test
    void anIdleGatewayStopsAtOnce() throws Exception {
        TestGateway gateway = TestGateway.start(GATEWAY_YAML);
        long start = System.nanoTime();
        gateway.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    private static void awaitRefused(TestGateway gateway) throws InterruptedException {
        HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        for (int i = 0; i < 100; i++) {
            try {
                fresh.send(HttpRequest.newBuilder(gateway.uri("/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException e) {
                return;
            } catch (IOException e) {
                // the listening socket is closing
            }
            Thread.sleep(20);
        }
        assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(gateway.uri("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
    }

    private static HttpRequest chat(TestGateway gateway, String question) {
        String body = """
                {"model":"demo-frontier","stream":true,"messages":[{"role":"user","content":"%s"}]}"""
                .formatted(question);
        return HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer " + TestGateway.KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
