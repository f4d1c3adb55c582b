package dev.tiergate.server.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a test reads of a gateway running in another process: the heap it kept after its last
 * garbage collection (from its management port's {@code /metrics}, so that allocations since do
 * not count), a forced collection ({@code jcmd GC.run}), its RSS and open descriptors from
 * {@code /proc}.
 */
public final class ProcessGauges {
    private static final Pattern HEAP_AFTER_GC = Pattern.compile(
            "^tiergate_heap_used_after_gc_ratio(?:\\{[^}]*})? ([0-9.eE+-]+)$", Pattern.MULTILINE);
    private static final Pattern HEAP_MAX = Pattern.compile(
            "^jvm_memory_max_bytes\\{area=\"heap\",[^}]*} ([0-9.eE+-]+)$", Pattern.MULTILINE);

    private final HttpClient http = HttpClient.newHttpClient();
    private final long pid;
    private final int managementPort;

    public ProcessGauges(long pid, int managementPort) {
        this.pid = pid;
        this.managementPort = managementPort;
    }

    /** The heap in use after the gateway's last garbage collection, in bytes. */
    public long heapAfterLastGc() throws IOException, InterruptedException {
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
        double ratio = sum(HEAP_AFTER_GC, metrics);
        double max = sum(HEAP_MAX, metrics);
        if (!(ratio > 0) || !(max > 0)) {
            throw new IllegalStateException("no heap-after-GC reading in /metrics (ratio " + ratio + ", max " + max + ")");
        }
        return (long) (ratio * max);
    }

    /** Forces a full garbage collection, then reads the heap it kept. */
    public long heapAfterForcedGc() throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid), "GC.run").redirectErrorStream(true).start();
        jcmd.getInputStream().readAllBytes();
        if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
            jcmd.destroyForcibly();
            throw new IllegalStateException("jcmd GC.run did not end");
        }
        return heapAfterLastGc();
    }

    public long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    public int openDescriptors() throws IOException {
        try (Stream<Path> open = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return (int) open.count();
        }
    }

    /** A port free now, for a child's management port. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static double sum(Pattern pattern, String metrics) {
        Matcher m = pattern.matcher(metrics);
        double total = 0;
        while (m.find()) {
            double value = Double.parseDouble(m.group(1));
            total += value > 0 ? value : 0;
        }
        return total;
    }
}
