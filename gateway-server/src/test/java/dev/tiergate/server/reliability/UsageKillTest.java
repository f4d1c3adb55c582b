package dev.tiergate.server.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.server.testing.ChildGateway;
import dev.tiergate.server.accounting.FileUsageStore;
import dev.tiergate.server.e2e.RedisSupport;
import dev.tiergate.server.e2e.TestGateway;
import dev.tiergate.server.e2e.UpstreamFixtures;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} under load: the real {@link Main} in a child JVM against a WireMock upstream, a
 * burst of plain and streamed requests from 16 clients, the process killed (SIGKILL) mid-burst;
 * then every answer a client received in full (a 200 with its whole body) is looked for among the
 * usage records the store holds after the restart. Lost records must be at most
 * {@link #LOSS_WINDOW} of the answers given just before the kill. Once per store by default;
 * {@code -Dtiergate.kill.runs=N} repeats it (the figures in docs/operations.md come from 20 runs),
 * {@code -Dtiergate.kill.fsync=every-batch} (or {@code on-close}) sets the usage file's fsync policy.
 */
class UsageKillTest {
    /** The documented bound: a lost record's answer reached its client at most this long before the kill. */
    static final Duration LOSS_WINDOW = Duration.ofMillis(100);
    private static final int RUNS = Integer.getInteger("tiergate.kill.runs", 1);
    private static final String FSYNC = System.getProperty("tiergate.kill.fsync", "interval");
    private static final int CLIENTS = 16;
    private static final int KILL_AFTER_ANSWERS = Integer.getInteger("tiergate.kill.answers", 1500);

    @TempDir
    Path dir;
    private WireMockServer upstream;

    @BeforeEach
    void startUpstream() {
        upstream = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(CLIENTS + 8));
        upstream.start();
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.stream", WireMock.equalTo("true"))).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(UpstreamFixtures.streamBody("gpt-4o-mini", UpstreamFixtures.ANSWER_WORDS))));
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(5)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(UpstreamFixtures.completionJson("gpt-4o-mini", UpstreamFixtures.ANSWER_WORDS))));
    }

    @AfterEach
    void stopUpstream() {
        upstream.stop();
    }

    @Test
    void theUsageFileHoldsEveryAnswerGivenBeforeAKill9ButTheLastMoment() throws Exception {
        for (int run = 1; run <= RUNS; run++) {
            Path config = dir.resolve("file-" + run);
            Path usage = config.resolve("usage.jsonl");
            writeConfig(config, "usage: {file: \"" + usage + "\", fsync: " + FSYNC + "}\n");
            Outcome outcome = killMidBurst(config);
            Set<String> stored = new HashSet<>();
            AtomicInteger torn = new AtomicInteger();
            FileUsageStore.builder(usage).replay(new FileUsageStore.Replay() {
                @Override
                public void record(UsageRecord record) {
                    stored.add(record.requestId());
                }

                @Override
                public void spend(YearMonth month, String team, String keyId, long costNanos) {
                }
            }).listener(new CountingTorn(torn)).open().close();
            outcome.check("file, fsync " + FSYNC, run, stored, "torn last line: " + torn.get());
        }
    }

    @Test
    void theRedisStreamHoldsEveryAnswerGivenBeforeAKill9ButTheLastMoment() throws Exception {
        String url = RedisSupport.url();
        for (int run = 1; run <= RUNS; run++) {
            String prefix = RedisSupport.uniquePrefix("kill");
            Path config = dir.resolve("redis-" + run);
            Path fallback = config.resolve("fallback.jsonl");
            writeConfig(config, "redis: {url: \"" + url + "\", key-prefix: \"" + prefix + "\"}\n"
                    + "usage: {file: \"" + fallback + "\"}\n");
            try {
                Outcome outcome = killMidBurst(config);
                Set<String> stored = new HashSet<>();
                RedisClient client = RedisClient.create(url);
                try (var connection = client.connect()) {
                    connection.sync().xrange(prefix + "usage:records", Range.create("-", "+")).forEach(entry ->
                            stored.add(UsageJson.read(entry.getBody().get("record")).requestId()));
                } finally {
                    client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
                }
                assertThat(fallback).doesNotExist();
                outcome.check("redis", run, stored, "");
            } finally {
                RedisSupport.deleteKeys(url, prefix);
            }
        }
    }

    private void writeConfig(Path config, String store) throws IOException {
        Files.createDirectories(config.resolve("teams"));
        Files.writeString(config.resolve("gateway.yaml"), """
                server: {host: 127.0.0.1, port: 0}
                providers:
                  up: {type: openai, base-url: "http://127.0.0.1:%d/v1", api-key: sk-upstream}
                models:
                  gpt-4o-mini: {provider: up}
                """.formatted(upstream.port()) + store);
        Files.writeString(config.resolve("teams/team-a.yaml"), "id: team-a\nkeys:\n  - id: key-a\n    sha256: "
                + TestGateway.sha256Hex(TestGateway.KEY) + "\n");
    }

    /** An answer a client received in full: its request id, and when it arrived. */
    private record Answered(String requestId, long atNanos) {
    }

    private static final String EARLIEST = " (the earliest answered %.1f ms before the kill; negative: after it was sent)";

    /** What the clients got before the kill, and when the kill came. */
    private record Outcome(List<Answered> answered, long killedAtNanos, int sent, Duration startUp, Duration burst) {
        void check(String store, int run, Set<String> stored, String note) {
            List<Answered> lost = answered.stream().filter(a -> !stored.contains(a.requestId())).toList();
            long earliestNanos = lost.stream().mapToLong(a -> killedAtNanos - a.atNanos()).max().orElse(0);
            String earliest = lost.isEmpty() ? "" : EARLIEST.formatted(earliestNanos / 1e6);
            Set<String> answeredIds = new HashSet<>();
            answered.forEach(a -> answeredIds.add(a.requestId()));
            long unanswered = stored.stream().filter(id -> !answeredIds.contains(id)).count();
            System.out.printf("kill -9 (%s, run %d): started in %d ms, %d sent in %d ms (%.0f/s), %d answered in full, "
                    + "%d lost%s, %d records of requests whose answer did not arrive in full%s%n", store, run,
                    startUp.toMillis(), sent, burst.toMillis(), sent * 1000.0 / Math.max(1, burst.toMillis()),
                    answered.size(), lost.size(), earliest, unanswered,
                    note.isEmpty() ? "" : ", " + note);
            assertThat(answered).as("answers before the kill").hasSizeGreaterThanOrEqualTo(KILL_AFTER_ANSWERS);
            assertThat(lost).as("records lost longer than %s before the kill", LOSS_WINDOW)
                    .allSatisfy(a -> assertThat(Duration.ofNanos(killedAtNanos - a.atNanos())).isLessThanOrEqualTo(LOSS_WINDOW));
        }
    }

    /** Starts the gateway on {@code config}, sends requests from {@link #CLIENTS} clients and kills it mid-burst. */
    private Outcome killMidBurst(Path config) throws Exception {
        ChildGateway gateway = ChildGateway.start(config, Map.of("TIERGATE_ACCESS_LOG", "OFF"),
                line -> !line.contains("tiergate.access"),
                "-Xmx256m", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true");
        Process child = gateway.process();
        List<String> output = gateway.output();
        long started = System.nanoTime();
        try {
            int gatewayPort = gateway.port(Duration.ofSeconds(90));
            long listening = System.nanoTime();
            List<Answered> answered = new CopyOnWriteArrayList<>();
            AtomicInteger sent = new AtomicInteger();
            Set<String> failures = ConcurrentHashMap.newKeySet();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            long killedAt;
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    clients.submit(() -> send(http, gatewayPort, client, answered, sent, failures));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (answered.size() < KILL_AFTER_ANSWERS && System.nanoTime() < deadline && child.isAlive()) {
                    Thread.sleep(1);
                }
                killedAt = System.nanoTime();
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(failures).as("failures before the kill; gateway output:%n%s", String.join("\n", output))
                    .isEmpty();
            return new Outcome(List.copyOf(answered), killedAt, sent.get(), Duration.ofNanos(listening - started),
                    Duration.ofNanos(killedAt - listening));
        } finally {
            child.destroyForcibly();
        }
    }

    /** One client: requests one after another (every fourth streamed) until the gateway is gone. */
    private static void send(HttpClient http, int port, int client, List<Answered> answered, AtomicInteger sent,
                             Set<String> failures) {
        for (int i = 0; ; i++) {
            boolean stream = i % 4 == 3;
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"stream\":" + stream
                            + ",\"messages\":[{\"role\":\"user\",\"content\":\"client " + client + " request " + i
                            + "\"}]}"))
                    .build();
            sent.incrementAndGet();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                return; // the gateway is gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long at = System.nanoTime();
            boolean whole = response.statusCode() == 200 && (stream ? response.body().endsWith("data: [DONE]\n\n")
                    : response.body().contains("\"finish_reason\":\"stop\""));
            if (!whole) {
                failures.add(response.statusCode() + " " + response.body());
                return;
            }
            answered.add(new Answered(response.headers().firstValue("x-tiergate-request-id").orElseThrow(), at));
        }
    }

    /** Counts torn last lines the reopened store reports. */
    private record CountingTorn(AtomicInteger torn) implements dev.tiergate.server.accounting.UsageStoreListener {
        @Override
        public void corruptRecord(CorruptKind kind) {
            if (kind == CorruptKind.TORN) {
                torn.incrementAndGet();
            }
        }

        @Override
        public void compacted(long rolledRecords, Duration took) {
        }
    }
}
