package dev.tiergate.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.server.auth.ApiKeyAuthenticator;
import dev.tiergate.server.testing.ChildGateway;
import dev.tiergate.server.testing.ProcessGauges;
import dev.tiergate.server.testing.ReadmeRunCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fixed-rate mix of plain and streamed requests, cache hits and misses, against the real gateway
 * in a child JVM started as README's run command starts it: no errors, and the heap after GC and
 * the open file descriptors stay flat. Nothing forces a garbage collection while latency is
 * measured (a forced full GC pauses the gateway and was the p99 tail this test used to report):
 * per interval it reads the heap the JVM kept after its own last collection, the process's RSS and
 * descriptors from {@code /proc}, and the interval's latency percentiles; a forced GC before and
 * after the measured load gives the leak check. The CI run lasts {@code -Dtiergate.load.seconds}
 * (20); {@code -Dtiergate.soak=true} runs the 30-minute soak, which must keep RSS within 10% after
 * warm-up and p99 under 20 ms.
 */
class SteadyLoadTest {
    private static final int RATE_PER_SECOND = Integer.getInteger("tiergate.load.rate", 150);
    private static final long HEAP_GROWTH_LIMIT = 24L << 20;
    private static final int FD_GROWTH_LIMIT = 16;
    private static final String KEY = "sk-steady-load";
    /** Keep-alive connections the load is sent on: a fixed number, so descriptors measure the server, not the client. */
    private static final int CONNECTIONS = 24;

    @Test
    void aFixedRateMixIsServedWithoutErrorsAndHeapAndDescriptorsStayFlat(@TempDir Path dir) throws Exception {
        Report report = run(dir, Duration.ofSeconds(Long.getLong("tiergate.load.seconds", 20)), Duration.ofSeconds(6),
                Duration.ofSeconds(5));
        report.assertNoErrorsAndFlatHeapAndDescriptors();
    }

    @Test
    @EnabledIfSystemProperty(named = "tiergate.soak", matches = "true")
    void aThirtyMinuteSoak(@TempDir Path dir) throws Exception {
        Report report = run(dir, Duration.ofMinutes(30), Duration.ofMinutes(2), Duration.ofMinutes(1));
        report.assertNoErrorsAndFlatHeapAndDescriptors();
        Interval first = report.intervals.getFirst();
        assertThat(report.intervals).as("RSS within 10%% of the first interval after warm-up").allSatisfy(i ->
                assertThat((double) i.rssBytes()).isBetween(first.rssBytes() * 0.9, first.rssBytes() * 1.1));
        assertThat(report.p99Micros()).as("p99 over the soak (µs)").isLessThan(20_000);
    }

    /** One interval of the load: latency percentiles of the requests sent in it, and the process at its end. */
    private record Interval(Duration at, int requests, long p50Micros, long p99Micros, long maxMicros,
                            long heapAfterGcBytes, long rssBytes, int fds) {
        @Override
        public String toString() {
            return "%5ds %5d req  p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  heap after GC %6.1f MB  RSS %6.1f MB  fds %d"
                    .formatted(at.toSeconds(), requests, p50Micros / 1000.0, p99Micros / 1000.0, maxMicros / 1000.0,
                            heapAfterGcBytes / 1048576.0, rssBytes / 1048576.0, fds);
        }
    }

    private record Report(int sent, int done, List<String> errors, List<Long> latenciesMicros, List<Interval> intervals,
                          long heapBefore, long heapAfter) {
        long p99Micros() {
            return percentile(latenciesMicros, 0.99);
        }

        void assertNoErrorsAndFlatHeapAndDescriptors() {
            assertThat(done).as("requests answered of those sent").isEqualTo(sent);
            assertThat(errors).as("errors under load").isEmpty();
            assertThat(heapAfter - heapBefore).as("heap after a forced GC: %d before the load, %d after", heapBefore,
                    heapAfter).isLessThan(HEAP_GROWTH_LIMIT);
            Interval first = intervals.getFirst();
            assertThat(intervals).as("open file descriptors after warm-up").allSatisfy(i ->
                    assertThat(i.fds()).isLessThanOrEqualTo(first.fds() + FD_GROWTH_LIMIT));
        }
    }

    private Report run(Path dir, Duration total, Duration warmUp, Duration interval) throws Exception {
        int management = ProcessGauges.freePort();
        ChildGateway gateway = start(dir, management);
        try {
            int port = gateway.port(Duration.ofSeconds(60));
            ProcessGauges gauges = new ProcessGauges(gateway.process().pid(), management);
            Load warm = new Load(port);
            warm.runFor(warmUp, Duration.ZERO, () -> { });
            long heapBefore = gauges.heapAfterForcedGc();
            Load load = new Load(port);
            List<Interval> intervals = Collections.synchronizedList(new ArrayList<>());
            long start = System.nanoTime();
            load.runFor(total, interval, () -> intervals.add(load.interval(start, gauges)));
            long heapAfter = gauges.heapAfterForcedGc();
            Report report = new Report(load.sent.get(), load.done.get(), List.copyOf(load.errors),
                    sorted(load.all), List.copyOf(intervals), heapBefore, heapAfter);
            System.out.printf("steady load (child JVM, README's options): %d s at %d/s after %d s of warm-up, %d sent,"
                            + " %d answered, %d errors; latency p50 %.1f ms p99 %.1f ms max %.1f ms;"
                            + " heap after a forced GC %.1f MB before, %.1f MB after%n",
                    total.toSeconds(), RATE_PER_SECOND, warmUp.toSeconds(), report.sent(), report.done(),
                    report.errors().size(), percentile(report.latenciesMicros(), 0.5) / 1000.0,
                    report.p99Micros() / 1000.0, report.latenciesMicros().isEmpty() ? 0
                            : report.latenciesMicros().getLast() / 1000.0, heapBefore / 1048576.0, heapAfter / 1048576.0);
            intervals.forEach(i -> System.out.println("  " + i));
            return report;
        } finally {
            gateway.process().destroyForcibly();
        }
    }

    private static ChildGateway start(Path dir, int managementPort) throws IOException {
        Files.createDirectories(dir.resolve("teams"));
        Files.writeString(dir.resolve("gateway.yaml"), """
                server: {host: 127.0.0.1, port: 0, management-port: %d, request-timeout-seconds: 10}
                providers:
                  sim: {type: demo, options: {first-token-ms: 0, chunk-delay-ms: 0}}
                models:
                  demo-small: {provider: sim}
                cache:
                  exact: {enabled: true, max-size-mb: 1}
                usage: {file: "%s"}
                """.formatted(managementPort, dir.resolve("usage.jsonl")));
        Files.writeString(dir.resolve("teams/t.yaml"), "id: t\nkeys: [{id: k, sha256: "
                + HexFormat.of().formatHex(ApiKeyAuthenticator.sha256(KEY)) + "}]\n");
        return ChildGateway.start(dir, Map.of(), line -> line.contains("WARN") || line.contains("ERROR"),
                Stream.concat(ReadmeRunCommand.memoryOptions().stream(), Stream.of("--enable-native-access=ALL-UNNAMED"))
                        .toArray(String[]::new));
    }

    /** The fixed-rate load of one phase: its clients, counts and latencies. */
    private final class Load {
        private final int port;
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Long> all = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<Long> current = new ConcurrentLinkedQueue<>();

        Load(int port) {
            this.port = port;
        }

        /** Sends for {@code total}, calling {@code sample} every {@code every} (never when it is zero). */
        void runFor(Duration total, Duration every, Runnable sample) throws InterruptedException {
            BlockingQueue<Long> due = new LinkedBlockingQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                clients.add(Thread.ofPlatform().name("load-client-" + c).start(() -> {
                    try (RawHttpClient client = new RawHttpClient("127.0.0.1", port, 10_000)) {
                        while (!stop.get() || !due.isEmpty()) {
                            Long at = due.poll(50, TimeUnit.MILLISECONDS);
                            if (at != null) {
                                String problem = send(client, sent.getAndIncrement());
                                if (problem != null) {
                                    errors.add(problem);
                                }
                                long micros = (System.nanoTime() - at) / 1000;
                                all.add(micros);
                                current.add(micros);
                                done.incrementAndGet();
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
            clock.scheduleAtFixedRate(() -> due.add(System.nanoTime()), 0, 1_000_000L / RATE_PER_SECOND,
                    TimeUnit.MICROSECONDS);
            long start = System.nanoTime();
            while (System.nanoTime() - start < total.toNanos()) {
                long left = (total.toNanos() - (System.nanoTime() - start)) / 1_000_000;
                Thread.sleep(Math.max(1, every.isZero() ? left : Math.min(every.toMillis(), left)));
                if (!every.isZero()) {
                    sample.run();
                }
            }
            clock.shutdownNow();
            stop.set(true);
            for (Thread client : clients) {
                client.join(15_000);
            }
        }

        /** The requests answered since the last interval, and the process now (nothing forced). */
        Interval interval(long startNanos, ProcessGauges gauges) {
            List<Long> latencies = new ArrayList<>();
            for (Long micros; (micros = current.poll()) != null; ) {
                latencies.add(micros);
            }
            Collections.sort(latencies);
            try {
                return new Interval(Duration.ofNanos(System.nanoTime() - startNanos), latencies.size(),
                        percentile(latencies, 0.5), percentile(latencies, 0.99),
                        latencies.isEmpty() ? 0 : latencies.getLast(), gauges.heapAfterLastGc(), gauges.rssBytes(),
                        gauges.openDescriptors());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
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
                    "HTTP/1.1", List.of("Authorization: Bearer " + KEY, "Content-Type: application/json",
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

    private static List<Long> sorted(ConcurrentLinkedQueue<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted;
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }

}
