package dev.tiergate.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.server.e2e.TestGateway;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A misbehaving upstream (refused, reset, stalled, malformed, 5xx bursts, 429 storms): the client
 * always gets a complete answer or one well-formed error within the deadline, stalled upstream
 * connections are closed, no buffer leaks, and the gateway answers normally once the upstream does.
 */
@ExtendWith(NettyLeakDetection.class)
class UpstreamFaultTest {
    private static final Duration DEADLINE = Duration.ofSeconds(4);
    /** The deadline, plus time to write the error and for a slow CI machine. */
    private static final Duration ANSWER_WITHIN = DEADLINE.plusSeconds(2);

    private static FaultyUpstream upstream;
    private static TestGateway gateway;

    static String yaml(int upstreamPort) {
        return """
                server:
                  host: 127.0.0.1
                  request-timeout-seconds: 5
                providers:
                  up:
                    type: openai
                    base-url: http://127.0.0.1:%d/v1
                    api-key: sk-upstream-fault
                    connect-timeout-ms: 500
                    read-timeout-ms: 1000
                models:
                  gpt-4o-mini: {provider: up}
                resilience:
                  retry: {max-attempts: 2, initial-backoff-ms: 10, max-backoff-ms: 50}
                  circuit-breaker: {failure-threshold: 10000}
                  deadline-seconds: %d
                cache:
                  exact: {enabled: false}
                """.formatted(upstreamPort, DEADLINE.toSeconds());
    }

    @BeforeAll
    static void start() throws Exception {
        upstream = new FaultyUpstream();
        gateway = TestGateway.start(yaml(upstream.port()));
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        upstream.close();
    }

    @ParameterizedTest
    @EnumSource(FaultyUpstream.Fault.class)
    void aPlainRequestGetsAnAnswerOrOneErrorWithinTheDeadline(FaultyUpstream.Fault fault) throws Exception {
        upstream.fail(fault);
        assertProperAnswer(chat(gateway.port(), false), fault);
        upstream.fail(FaultyUpstream.Fault.OK);
        assertAnswered(chat(gateway.port(), false));
        awaitUpstreamConnectionsClosed();
    }

    @ParameterizedTest
    @EnumSource(FaultyUpstream.Fault.class)
    void aStreamGetsAllItsChunksOrEndsWithOneErrorWithinTheDeadline(FaultyUpstream.Fault fault) throws Exception {
        upstream.fail(fault);
        assertProperAnswer(chat(gateway.port(), true), fault);
        upstream.fail(FaultyUpstream.Fault.OK);
        assertAnswered(chat(gateway.port(), true));
        awaitUpstreamConnectionsClosed();
    }

    @Test
    void aRefusedConnectionIsOneErrorAtOnce() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        try (TestGateway refused = TestGateway.start(yaml(closedPort))) {
            for (boolean stream : new boolean[] {false, true}) {
                Timed timed = chat(refused.port(), stream);
                assertProperAnswer(timed, null);
                assertThat(timed.response().status()).isEqualTo(502);
                assertThat(timed.took()).isLessThan(Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void aBurstOf5xxIsRetriedOrReportedAndTheGatewayRecovers() throws Exception {
        upstream.failFor(FaultyUpstream.Fault.STATUS_503, 30);
        List<Timed> answers = concurrently(40);
        assertThat(answers).allSatisfy(timed -> assertProperAnswer(timed, FaultyUpstream.Fault.STATUS_503));
        assertThat(answers).anySatisfy(timed -> assertThat(timed.response().status()).isEqualTo(200));
        assertThat(concurrently(10)).allSatisfy(timed -> assertThat(timed.response().status()).isEqualTo(200));
    }

    @Test
    void a429StormIsPassedOnAsRateLimitErrorsWithRetryAfterAndTheGatewayRecovers() throws Exception {
        upstream.fail(FaultyUpstream.Fault.STATUS_429);
        List<Timed> answers = concurrently(40);
        assertThat(answers).allSatisfy(timed -> {
            assertProperAnswer(timed, FaultyUpstream.Fault.STATUS_429);
            assertThat(timed.response().status()).isEqualTo(429);
            assertThat(timed.response().headers()).containsKey("retry-after");
            assertThat(timed.response().bodyText()).contains("rate_limit_exceeded");
        });
        upstream.fail(FaultyUpstream.Fault.OK);
        assertThat(concurrently(10)).allSatisfy(timed -> assertThat(timed.response().status()).isEqualTo(200));
    }

    /** One exchange and how long it took. */
    private record Timed(RawHttpClient.Response response, Duration took) {
    }

    private static Timed chat(int port, boolean stream) throws IOException {
        byte[] body = ("{\"model\":\"gpt-4o-mini\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        try (RawHttpClient client = new RawHttpClient("127.0.0.1", port, (int) ANSWER_WITHIN.toMillis() + 5_000)) {
            RawHttpClient.Outcome outcome = client.exchange(HostileRequests.request("POST", "/v1/chat/completions",
                    "HTTP/1.1", List.of("Authorization: Bearer " + TestGateway.KEY, "Content-Type: application/json",
                            "Content-Length: " + body.length), body));
            assertThat(outcome.timedOut()).as("no answer at all").isFalse();
            assertThat(outcome.closedWithoutResponse()).as("connection closed without an answer").isFalse();
            return new Timed(outcome.response(), Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private static List<Timed> concurrently(int requests) throws Exception {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<CompletableFuture<Timed>> calls = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                boolean stream = i % 2 == 0;
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return chat(gateway.port(), stream);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, pool));
            }
            List<Timed> out = new ArrayList<>();
            for (CompletableFuture<Timed> call : calls) {
                out.add(call.get(30, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }

    private static void assertProperAnswer(Timed timed, FaultyUpstream.Fault fault) {
        RawHttpClient.Response res = timed.response();
        assertThat(Answers.problem(res.status(), res.headers().get("content-type"), res.body(), true))
                .as("answer to %s", fault).isNull();
        assertThat(timed.took()).as("time to answer %s", fault).isLessThan(ANSWER_WITHIN);
    }

    private static void assertAnswered(Timed timed) {
        assertThat(timed.response().status()).isEqualTo(200);
        assertThat(timed.response().bodyText()).contains("Paris");
        assertProperAnswer(timed, FaultyUpstream.Fault.OK);
    }

    /** Every upstream connection, stalled ones included, is closed by the gateway soon after its answer. */
    private static void awaitUpstreamConnectionsClosed() throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (upstream.openConnections() > 0 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(upstream.openConnections()).as("upstream connections left open").isZero();
    }
}
