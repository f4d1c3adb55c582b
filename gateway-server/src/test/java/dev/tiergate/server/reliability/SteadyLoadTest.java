package dev.tiergate.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.server.e2e.TestGateway;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A fixed-rate mix of plain and streamed requests, cache hits and misses: no errors, and after a
 * warm-up the heap (after a GC) and the open file descriptors stay flat. The CI run lasts
 * {@code -Dtiergate.load.seconds} (20); {@code -Dtiergate.soak=true} adds a 30-minute soak.
 */
@ExtendWith(NettyLeakDetection.class)
class SteadyLoadTest {
    private static final int RATE_PER_SECOND = Integer.getInteger("tiergate.load.rate", 150);
    private static final long HEAP_GROWTH_LIMIT = 24L << 20;
    private static final int FD_GROWTH_LIMIT = 16;
    /** Keep-alive connections the load is sent on: a fixed number, so descriptors measure the server, not the client. */
    private static final int CONNECTIONS = 24;
    private static final String YAML = """
            server:
              host: 127.0.0.1
              request-timeout-seconds: 10
            providers:
              sim: {type: demo, options: {first-token-ms: 0, chunk-delay-ms: 0}}
            models:
              demo-small: {provider: sim}
            cache:
              exact: {enabled: true, max-size-mb: 1}
            """;

    @Test
    void aFixedRateMixIsServedWithoutErrorsAndHeapAndDescriptorsStayFlat() throws Exception {
        run(Duration.ofSeconds(Long.getLong("tiergate.load.seconds", 20)), Duration.ofSeconds(6), Duration.ofSeconds(5));
    }

    @Test
    @EnabledIfSystemProperty(named = "tiergate.soak", matches = "true")
    void aThirtyMinuteSoak() throws Exception {
        run(Duration.ofMinutes(30), Duration.ofMinutes(2), Duration.ofMinutes(1));
    }

    /** One sample of the process: heap used after a full GC, and open file descriptors. */
    private record Sample(Duration at, long heapBytes, int fds) {
        @Override
        public String toString() {
            return "%4ds heap %6.1f MB fds %d".formatted(at.toSeconds(), heapBytes / 1048576.0, fds);
        }
    }

    private static void run(Duration total, Duration warmUp, Duration sampleEvery) throws Exception {
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> latenciesMicros = new ConcurrentLinkedQueue<>();
        BlockingQueue<Long> due = new LinkedBlockingQueue<>();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        try (TestGateway gateway = TestGateway.start(YAML); var quiet = LogLevels.quiet("tiergate.access");
             var quietUpstream = LogLevels.quiet("tiergate.upstream")) {
            long start = System.nanoTime();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                clients.add(Thread.ofPlatform().name("load-client-" + c).start(() -> {
                    try (RawHttpClient client = new RawHttpClient("127.0.0.1", gateway.port(), 10_000)) {
                        while (!stop.get() || !due.isEmpty()) {
                            Long at = due.poll(50, TimeUnit.MILLISECONDS);
                            if (at != null) {
                                String problem = send(client, sent.getAndIncrement());
                                if (problem != null) {
                                    errors.add(problem);
                                }
                                if (at - start > warmUp.toNanos()) {
                                    latenciesMicros.add((System.nanoTime() - at) / 1000);
                                }
                                done.incrementAndGet();
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
            clock.scheduleAtFixedRate(() -> due.add(System.nanoTime()), 0, 1_000_000L / RATE_PER_SECOND, TimeUnit.MICROSECONDS);
            Thread.sleep(warmUp.toMillis());
            samples.add(sample(start));
            while (System.nanoTime() - start < total.toNanos()) {
                long left = (total.toNanos() - (System.nanoTime() - start)) / 1_000_000;
                Thread.sleep(Math.max(1, Math.min(sampleEvery.toMillis(), left)));
                samples.add(sample(start));
            }
            clock.shutdownNow();
            stop.set(true);
            for (Thread client : clients) {
                client.join(15_000);
            }
            samples.add(sample(start));
            report(total, sent.get(), done.get(), errors.size(), latenciesMicros, samples);
        }
        assertThat(done.get()).as("requests answered of those sent").isEqualTo(sent.get());
        assertThat(errors).as("errors under load").isEmpty();
        Sample first = samples.getFirst();
        Sample last = samples.getLast();
        assertThat(last.heapBytes() - first.heapBytes()).as("heap growth after warm-up (%s -> %s)", first, last)
                .isLessThan(HEAP_GROWTH_LIMIT);
        assertThat(samples).as("open file descriptors after warm-up").allSatisfy(s ->
                assertThat(s.fds()).isLessThanOrEqualTo(first.fds() + FD_GROWTH_LIMIT));
    }

    /**
     * Request {@code i}: even ones stream; three in five ask one of 50 repeated prompts (hits once
     * answered), the rest a new one (misses). Null when answered properly, else what went wrong.
     */
    private static String send(RawHttpClient client, int i) {
        String prompt = i % 5 < 3 ? "Repeated question number " + (i % 50) : "Unique question " + i + " " + System.nanoTime();
        byte[] body = ("{\"model\":\"demo-small\",\"stream\":" + (i % 2 == 0) + ",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + prompt + "\"}]}").getBytes(StandardCharsets.UTF_8);
        try {
            RawHttpClient.Outcome outcome = client.exchange(HostileRequests.request("POST", "/v1/chat/completions",
                    "HTTP/1.1", List.of("Authorization: Bearer " + TestGateway.KEY, "Content-Type: application/json",
                            "Content-Length: " + body.length), body));
            RawHttpClient.Response res = outcome.response();
            if (res == null) {
                return "request " + i + ": no answer (" + outcome + ")";
            }
            String problem = Answers.problem(res.status(), res.headers().get("content-type"), res.body(), false);
            return res.status() == 200 && problem == null ? null : "request " + i + ": " + res.status() + " " + problem;
        } catch (IOException e) {
            return "request " + i + ": " + e;
        }
    }

    private static Sample sample(long startNanos) throws IOException {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int fds;
        try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
            fds = (int) open.count();
        }
        return new Sample(Duration.ofNanos(System.nanoTime() - startNanos), heap, fds);
    }

    private static void report(Duration total, int sent, int done, int errors, ConcurrentLinkedQueue<Long> latenciesMicros,
                               List<Sample> samples) {
        List<Long> sorted = new ArrayList<>(latenciesMicros);
        Collections.sort(sorted);
        System.out.printf("steady load: %d s at %d/s, %d sent, %d answered, %d errors; after warm-up: latency p50 %.1f ms "
                        + "p99 %.1f ms max %.1f ms%n",
                total.toSeconds(), RATE_PER_SECOND, sent, done, errors, percentile(sorted, 0.50) / 1000.0,
                percentile(sorted, 0.99) / 1000.0, sorted.isEmpty() ? 0 : sorted.getLast() / 1000.0);
        samples.forEach(s -> System.out.println("  " + s));
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }
}
