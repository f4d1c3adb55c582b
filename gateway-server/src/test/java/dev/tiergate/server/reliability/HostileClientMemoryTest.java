package dev.tiergate.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.server.auth.ApiKeyAuthenticator;
import dev.tiergate.server.testing.ChildGateway;
import dev.tiergate.server.testing.ProcessGauges;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real gateway in a child JVM with a 256 MB heap, attacked by clients that hold what they can:
 * (a) ten connections that leave a stream unread and pipeline 4 MB bodies behind it, (b) 300
 * streams whose clients never read, against an upstream whose streams never end. Other clients
 * must be answered within a second throughout and after, and the heap after a GC must come back
 * to its baseline once the attackers are gone. A client that reads nothing is cut off by the
 * write timeout once what the gateway holds for it passes the high-water mark.
 */
class HostileClientMemoryTest {
    private static final String KEY = "sk-hostile-test";
    /**
     * The slowest a probe may be while the attack runs: well under the probes' 10 s timeout (a starved or hung
     * gateway fails them outright) and loose enough for a machine shared with other builds.
     */
    private static final Duration PROBE_LIMIT = Duration.ofSeconds(5);
    /** What the heap after a GC may keep over its baseline once the attack is over. */
    private static final long HEAP_SETTLED_MARGIN = 24L << 20;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Socket> attackers = new ArrayList<>();
    private EndlessStreamUpstream upstream;
    private ChildGateway gateway;
    private int port;
    private int managementPort;
    private ProcessGauges gauges;

    @AfterEach
    void stop() throws IOException {
        closeAttackers();
        if (gateway != null) {
            List<String> output = gateway.output();
            output.subList(Math.max(0, output.size() - 20), output.size()).forEach(line -> System.out.println("  gateway: " + line));
            gateway.process().destroyForcibly();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void tenConnectionsPipelining4MbBodiesBehindAnUnreadStream(@TempDir Path dir) throws Exception {
        start(dir, 120, Duration.ofMillis(50));
        long baseline = gauges.heapAfterForcedGc();
        byte[] pipelined = chatRequest(false, 4_000_000);
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Socket socket = attacker();
            writers.add(Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(chatRequest(true, 10));
                    while (true) {
                        out.write(pipelined);   // blocks once the gateway stops reading this connection
                    }
                } catch (IOException closed) {
                    // the test or the gateway ended the connection
                }
            }));
        }
        List<Duration> during = probeFor(Duration.ofSeconds(8));
        long heapDuring = gauges.heapAfterForcedGc();
        closeAttackers();
        for (Thread writer : writers) {
            writer.join(5_000);
        }
        List<Duration> after = probeFor(Duration.ofSeconds(2));
        long settled = settledHeap(baseline);
        System.out.printf("pipelining attack (-Xmx256m): heap after GC %.1f MB before, %.1f MB during, %.1f MB after;"
                        + " slowest probe %d ms during, %d ms after%n", mb(baseline), mb(heapDuring), mb(settled),
                slowest(during).toMillis(), slowest(after).toMillis());
        assertThat(gateway.process().isAlive()).isTrue();
        assertThat(slowest(during)).isLessThan(PROBE_LIMIT);
        assertThat(slowest(after)).isLessThan(PROBE_LIMIT);
        assertThat(settled).isLessThan(baseline + HEAP_SETTLED_MARGIN);
    }

    @Test
    void threeHundredStreamsWhoseClientsNeverRead(@TempDir Path dir) throws Exception {
        start(dir, 120, Duration.ofMillis(200));
        long baseline = gauges.heapAfterForcedGc();
        byte[] stream = chatRequest(true, 10);
        for (int i = 0; i < 300; i++) {
            attacker().getOutputStream().write(stream);
        }
        List<Duration> during = new ArrayList<>();
        long allStarted = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (upstream.openConnections() < 300 && System.nanoTime() < allStarted) {
            during.addAll(probeFor(Duration.ofSeconds(1)));
        }
        during.addAll(probeFor(Duration.ofSeconds(5)));
        int upstreamDuring = upstream.openConnections();
        long heapDuring = gauges.heapAfterForcedGc();
        closeAttackers();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (upstream.openConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        int upstreamAfter = upstream.openConnections();
        List<Duration> after = probeFor(Duration.ofSeconds(2));
        long settled = settledHeap(baseline);
        System.out.printf("300 unread streams (-Xmx256m): heap after GC %.1f MB before, %.1f MB during, %.1f MB after;"
                        + " upstream streams open %d during, %d after the clients left; slowest probe %d ms during,"
                        + " %d ms after%n", mb(baseline), mb(heapDuring), mb(settled), upstreamDuring, upstreamAfter,
                slowest(during).toMillis(), slowest(after).toMillis());
        assertThat(gateway.process().isAlive()).isTrue();
        assertThat(upstreamDuring).as("every stream reached the upstream").isEqualTo(300);
        assertThat(upstreamAfter).as("clients that leave cancel their upstream calls").isZero();
        assertThat(slowest(during)).isLessThan(PROBE_LIMIT);
        assertThat(slowest(after)).isLessThan(PROBE_LIMIT);
        assertThat(settled).isLessThan(baseline + HEAP_SETTLED_MARGIN);
    }

    @Test
    void aClientThatReadsNothingIsCutAfterTheWriteTimeout(@TempDir Path dir) throws Exception {
        start(dir, 2, Duration.ZERO);
        Socket stalled = attacker();
        stalled.getOutputStream().write(chatRequest(true, 10));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (upstream.openConnections() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(upstream.openConnections()).as("the stream reached the upstream").isOne();
        long started = System.nanoTime();
        deadline = started + TimeUnit.SECONDS.toNanos(30);
        while (upstream.openConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        System.out.printf("a client that reads nothing: its stream was cut %d ms after it reached the upstream"
                + " (write timeout 2 s)%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertThat(upstream.openConnections()).as("the stalled stream's upstream call is cancelled").isZero();
        stalled.setSoTimeout(10_000);
        try {
            // what the kernel held for it, then the end of the connection (a timeout here fails the test)
            stalled.getInputStream().readAllBytes();
        } catch (java.net.SocketException reset) {
            // closed with unsent bytes: a reset is an end too
        }
    }

    private void start(Path dir, int writeTimeoutSeconds, Duration upstreamPause) throws Exception {
        upstream = new EndlessStreamUpstream(upstreamPause);
        managementPort = ProcessGauges.freePort();
        Files.createDirectories(dir.resolve("teams"));
        Files.writeString(dir.resolve("gateway.yaml"), """
                server: {host: 127.0.0.1, port: 0, management-port: %d, write-timeout-seconds: %d}
                providers:
                  up: {type: openai, base-url: "http://127.0.0.1:%d/v1", api-key: sk-upstream, max-connections: 1000}
                models: {gpt-4o-mini: {provider: up}}
                usage: {file: "%s"}
                """.formatted(managementPort, writeTimeoutSeconds, upstream.port(), dir.resolve("usage.jsonl")));
        Files.writeString(dir.resolve("teams/t.yaml"), "id: t\nkeys: [{id: k, sha256: "
                + HexFormat.of().formatHex(ApiKeyAuthenticator.sha256(KEY)) + "}]\n");
        gateway = ChildGateway.start(dir, Map.of(), line -> line.contains("ERROR") || line.contains("WARN"),
                "-Xmx256m", "-XX:+ExitOnOutOfMemoryError");
        port = gateway.port(Duration.ofSeconds(60));
        gauges = new ProcessGauges(gateway.process().pid(), managementPort);
        probeFor(Duration.ofSeconds(1));   // warm up
    }

    /** A connection that reads nothing: a small receive buffer, so the gateway cannot park much in it. */
    private Socket attacker() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        attackers.add(socket);
        return socket;
    }

    private void closeAttackers() {
        for (Socket socket : attackers) {
            try {
                socket.setSoLinger(true, 0);
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        attackers.clear();
    }

    /** Plain chat requests, one after another, for {@code duration}: how long each took (a failure counts as forever). */
    private List<Duration> probeFor(Duration duration) throws InterruptedException {
        ConcurrentLinkedQueue<Duration> took = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            long start = System.nanoTime();
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                        + "/v1/chat/completions"))
                                .timeout(Duration.ofSeconds(10))
                                .header("Authorization", "Bearer " + KEY)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body(false, 20))).build(),
                        HttpResponse.BodyHandlers.ofString());
                took.add(response.statusCode() == 200 ? Duration.ofNanos(System.nanoTime() - start)
                        : Duration.ofDays(1));
            } catch (IOException e) {
                took.add(Duration.ofDays(1));
            }
            Thread.sleep(100);
        }
        return List.copyOf(took);
    }

    private static Duration slowest(List<Duration> took) {
        return took.stream().max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** The heap after a GC, polled until it is back within the margin of the baseline (at most 15 s). */
    private long settledHeap(long baseline) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long heap = gauges.heapAfterForcedGc();
        while (heap >= baseline + HEAP_SETTLED_MARGIN && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            heap = gauges.heapAfterForcedGc();
        }
        return heap;
    }

    private static byte[] chatRequest(boolean stream, int promptChars) {
        byte[] body = body(stream, promptChars);
        byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    private static byte[] body(boolean stream, int promptChars) {
        return ("{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "a".repeat(promptChars) + "\"}]}").getBytes(StandardCharsets.US_ASCII);
    }

    private static double mb(long bytes) {
        return bytes / 1048576.0;
    }
}
