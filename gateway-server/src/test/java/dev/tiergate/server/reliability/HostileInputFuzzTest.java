package dev.tiergate.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.server.e2e.TestGateway;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ten thousand hostile requests from a seeded generator through the real server: each gets a
 * complete answer or a 4xx in OpenAI's error format, never a 5xx and never a hang, and the server
 * answers normally afterwards. Replay a failure with {@code -Dtiergate.fuzz.seed=S}; the count is
 * {@code -Dtiergate.fuzz.requests}.
 */
@ExtendWith(NettyLeakDetection.class)
class HostileInputFuzzTest {
    static final int MAX_REQUEST_BYTES = 256 * 1024;
    private static final long SEED = Long.getLong("tiergate.fuzz.seed", 20_250_611L);
    private static final int REQUESTS = Integer.getInteger("tiergate.fuzz.requests", 10_000);
    private static final int CLIENTS = 4;
    private static final int ANSWER_WITHIN_MILLIS = 10_000;

    static final String GATEWAY_YAML = """
            server:
              host: 127.0.0.1
              max-request-bytes: %d
              request-read-timeout-seconds: 5
              request-timeout-seconds: 10
              # every request of the fuzz must reach the parsers: no refusals after broken auth headers
              auth-failures-per-minute: 0
            providers:
              sim: {type: demo, options: {first-token-ms: 0, chunk-delay-ms: 0}}
            models:
              demo-small: {provider: sim}
              demo-embedding: {provider: sim, kind: embedding}
            aliases:
              auto: {tiers: {small: [demo-small]}}
            cache:
              exact: {enabled: true, max-size-mb: 8}
            """.formatted(MAX_REQUEST_BYTES);

    @Test
    void everyHostileRequestGetsAnAnswerOrAClientErrorAndTheServerKeepsServing() throws Exception {
        HostileRequests generator = new HostileRequests(SEED, MAX_REQUEST_BYTES, TestGateway.KEY);
        Map<String, LongAdder> tally = new ConcurrentHashMap<>();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        try (TestGateway gateway = TestGateway.start(GATEWAY_YAML); var quiet = LogLevels.quiet("tiergate.access")) {
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                workers.add(clients.submit(() -> {
                    try (RawHttpClient keepAlive = new RawHttpClient("127.0.0.1", gateway.port(), ANSWER_WITHIN_MILLIS)) {
                        for (int i = next.getAndIncrement(); i < REQUESTS; i = next.getAndIncrement()) {
                            HostileRequests.Hostile hostile = generator.request(i);
                            String verdict = send(gateway, keepAlive, hostile);
                            String outcome = verdict.startsWith("ok ") ? verdict.substring(3) : "FAILED";
                            tally.computeIfAbsent(hostile.kind() + " " + outcome, k -> new LongAdder()).increment();
                            if (!verdict.startsWith("ok")) {
                                failures.add("request " + i + " (seed " + SEED + ", " + hostile.kind() + "): " + verdict
                                        + "\n    sent: " + hostile.preview());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(5, TimeUnit.MINUTES);
            }
            clients.shutdown();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("hostile-input fuzz: %d requests (seed %d) in %.1f s, %.0f/s%n", REQUESTS, SEED, seconds,
                    REQUESTS / seconds);
            new TreeMap<>(tally).forEach((k, v) -> System.out.printf("  %-28s %6d%n", k, v.sum()));

            assertThat(failures.size()).as("requests without a proper answer, the first of them:%n%s",
                    String.join("\n", failures.subList(0, Math.min(failures.size(), 30)))).isZero();
            assertStillServing(gateway);
        }
    }

    /** "ok STATUS" when the answer is proper, else what went wrong. */
    private static String send(TestGateway gateway, RawHttpClient keepAlive, HostileRequests.Hostile hostile)
            throws java.io.IOException {
        RawHttpClient.Outcome outcome;
        if (hostile.freshConnection()) {
            try (RawHttpClient fresh = new RawHttpClient("127.0.0.1", gateway.port(), ANSWER_WITHIN_MILLIS)) {
                outcome = fresh.exchange(hostile.bytes());
            }
        } else {
            outcome = keepAlive.exchange(hostile.bytes());
        }
        if (outcome.timedOut()) {
            return "hang: no answer within " + ANSWER_WITHIN_MILLIS + " ms";
        }
        if (outcome.closedWithoutResponse()) {
            return "closed: the connection closed without an answer";
        }
        RawHttpClient.Response res = outcome.response();
        String problem = Answers.problem(res.status(), res.headers().get("content-type"), res.body(), false);
        return problem == null ? "ok " + res.status() : problem;
    }

    static void assertStillServing(TestGateway gateway) throws java.io.IOException {
        try (RawHttpClient client = new RawHttpClient("127.0.0.1", gateway.port(), ANSWER_WITHIN_MILLIS)) {
            for (boolean stream : new boolean[] {false, true}) {
                byte[] body = ("{\"model\":\"demo-small\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"still there?\"}]}").getBytes(StandardCharsets.UTF_8);
                RawHttpClient.Outcome outcome = client.exchange(HostileRequests.request("POST", "/v1/chat/completions",
                        "HTTP/1.1", List.of("Authorization: Bearer " + TestGateway.KEY, "Content-Type: application/json",
                                "Content-Length: " + body.length), body));
                assertThat(outcome.response()).as("answer after the hostile traffic").isNotNull();
                assertThat(outcome.response().status()).isEqualTo(200);
                assertThat(Answers.problem(200, outcome.response().headers().get("content-type"),
                        outcome.response().body(), false)).isNull();
            }
            RawHttpClient.Outcome health = client.exchange(HostileRequests.request("GET", "/healthz", "HTTP/1.1",
                    List.of(), new byte[0]));
            assertThat(health.response().status()).isEqualTo(200);
        }
    }
}
