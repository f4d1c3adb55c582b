package dev.tiergate.server.reliability;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A redis-server process of the test's own, on a free port, without persistence; it can be
 * stopped and started again on the same port. Without a redis-server binary the test is skipped,
 * except under {@code CI=true}, where it fails.
 */
final class RedisServer implements AutoCloseable {
    private final Path binary;
    private final int port;
    private Process process;

    private RedisServer(Path binary, int port) {
        this.binary = binary;
        this.port = port;
    }

    /** Starts redis-server on a free port, or skips (fails on CI) when there is none to start. */
    static RedisServer startOrSkip() throws IOException, InterruptedException {
        Path binary = find();
        if (binary == null) {
            String message = "no redis-server binary (looked in /usr/bin, /usr/local/bin and PATH)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + " (CI=true: Redis is required)");
            }
            Assumptions.abort(message);
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        RedisServer redis = new RedisServer(binary, port);
        redis.start();
        return redis;
    }

    private static Path find() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : ("/usr/bin:/usr/local/bin:" + path).split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts (again) on the same port and waits until it answers PING. */
    void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(binary.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!answersPing()) {
            if (System.nanoTime() > until || !process.isAlive()) {
                throw new IOException("redis-server did not start on port " + port);
            }
            Thread.sleep(20);
        }
    }

    /** Kills the server (SIGKILL: no goodbye to its clients) and waits until it is gone. */
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
