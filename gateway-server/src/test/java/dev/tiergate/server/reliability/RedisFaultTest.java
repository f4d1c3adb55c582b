package dev.tiergate.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.server.e2e.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The semantic cache on a real redis-server that is killed and started again while traffic flows:
 * every request is answered throughout (the cache fails open), quickly, and once Redis is back the
 * cache stores and hits again.
 */
@ExtendWith(NettyLeakDetection.class)
class RedisFaultTest {
    private static final Duration SLOWEST_ANSWER = Duration.ofSeconds(2);

    private static String yaml(String redisUrl) {
        return """
                server:
                  host: 127.0.0.1
                  request-timeout-seconds: 10
                providers:
                  sim: {type: demo, options: {first-token-ms: 0, chunk-delay-ms: 0}}
                models:
                  demo-small: {provider: sim}
                cache:
                  exact: {enabled: false}
                  semantic: {enabled: true, redis-url: "%s"}
                """.formatted(redisUrl);
    }

    @Test
    void requestsAreAnsweredWhileRedisIsDownAndTheCacheRecoversWhenItIsBack() throws Exception {
        try (RedisServer redis = RedisServer.startOrSkip(); TestGateway gateway = TestGateway.start(yaml(redis.url()))) {
            assertThat(awaitSemanticHit(gateway, "How do I reset my password?")).as("hit before the outage").isTrue();

            Traffic traffic = new Traffic(gateway);
            Thread sender = Thread.ofPlatform().start(traffic::run);
            try {
                traffic.await(20);
                redis.stop();
                int beforeOutage = traffic.answered.get();
                traffic.await(beforeOutage + 40);
                redis.start();
                assertThat(awaitSemanticHit(gateway, "How do I change my email address?"))
                        .as("hit once Redis is back").isTrue();
                traffic.await(traffic.answered.get() + 20);
            } finally {
                traffic.stop.set(true);
                sender.join(10_000);
            }
            System.out.printf("redis outage: %d requests answered around a Redis kill and restart, slowest %d ms%n",
                    traffic.answered.get(), traffic.slowestMillis.get());
            assertThat(traffic.problems).isEmpty();
            assertThat(traffic.slowestMillis.get()).isLessThan(SLOWEST_ANSWER.toMillis());
        }
    }

    @Test
    void readinessFollowsTheRedisThatLimitsAndUsageNeed() throws Exception {
        String yaml = """
                server:
                  host: 127.0.0.1
                providers:
                  sim: {type: demo, options: {first-token-ms: 0, chunk-delay-ms: 0}}
                models:
                  demo-small: {provider: sim}
                redis:
                  url: "%s"
                """;
        try (RedisServer redis = RedisServer.startOrSkip();
             TestGateway gateway = TestGateway.start(yaml.formatted(redis.url()))) {
            assertThat(awaitReadiness(gateway, 200)).isEqualTo(200);
            redis.stop();
            assertThat(awaitReadiness(gateway, 503)).isEqualTo(503);
            redis.start();
            assertThat(awaitReadiness(gateway, 200)).isEqualTo(200);
        }
    }

    /** Polls /readyz for up to 30 s until it answers {@code expected}; returns the last status. */
    private static int awaitReadiness(TestGateway gateway, int expected) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int status;
        try (RawHttpClient client = new RawHttpClient("127.0.0.1", gateway.port(), 5_000)) {
            do {
                RawHttpClient.Outcome outcome = client.exchange(
                        "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                status = outcome.response() == null ? -1 : outcome.response().status();
                if (status != expected) {
                    Thread.sleep(100);
                }
            } while (status != expected && System.nanoTime() < until);
        }
        return status;
    }

    /** Asks twice (and again, for up to 15 s) until the second answer is a semantic hit. */
    private static boolean awaitSemanticHit(TestGateway gateway, String prompt) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        try (RawHttpClient client = new RawHttpClient("127.0.0.1", gateway.port(), 10_000)) {
            while (System.nanoTime() < until) {
                ask(client, prompt, false);
                RawHttpClient.Response again = ask(client, prompt, false);
                if ("semantic-hit".equals(again.headers().get("x-tiergate-cache"))) {
                    return true;
                }
                Thread.sleep(200);
            }
        }
        return false;
    }

    private static RawHttpClient.Response ask(RawHttpClient client, String prompt, boolean stream) throws IOException {
        byte[] body = ("{\"model\":\"demo-small\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}]}").getBytes(StandardCharsets.UTF_8);
        RawHttpClient.Outcome outcome = client.exchange(HostileRequests.request("POST", "/v1/chat/completions", "HTTP/1.1",
                List.of("Authorization: Bearer " + TestGateway.KEY, "Content-Type: application/json",
                        "Content-Length: " + body.length), body));
        if (outcome.response() == null) {
            throw new IOException("no answer: " + outcome);
        }
        return outcome.response();
    }

    /** Requests one after another, plain and streamed, repeated and new prompts; keeps what went wrong. */
    private static final class Traffic {
        private final TestGateway gateway;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger answered = new AtomicInteger();
        private final java.util.concurrent.atomic.AtomicLong slowestMillis = new java.util.concurrent.atomic.AtomicLong();
        private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

        Traffic(TestGateway gateway) {
            this.gateway = gateway;
        }

        void run() {
            try (RawHttpClient client = new RawHttpClient("127.0.0.1", gateway.port(), 10_000)) {
                for (int i = 0; !stop.get(); i++) {
                    String prompt = i % 3 == 0 ? "Tell me about topic " + i : "What is the tallest mountain in Europe?";
                    long start = System.nanoTime();
                    try {
                        RawHttpClient.Response res = ask(client, prompt, i % 2 == 0);
                        String problem = Answers.problem(res.status(), res.headers().get("content-type"), res.body(), false);
                        if (problem != null || res.status() != 200) {
                            problems.add("request " + i + ": " + res.status() + " " + problem);
                        }
                    } catch (IOException e) {
                        problems.add("request " + i + ": " + e);
                    }
                    slowestMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                    answered.incrementAndGet();
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Waits until {@code count} requests were answered. */
        void await(int count) throws InterruptedException {
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (answered.get() < count && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertThat(answered.get()).as("requests answered").isGreaterThanOrEqualTo(count);
        }
    }
}
