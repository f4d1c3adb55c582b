package dev.tiergate.cache.semantic.store;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the tests' Redis is: env {@code REDIS_URL}, default {@code redis://127.0.0.1:6379}. When it
 * does not answer, tests are skipped, except under {@code CI=true}, where they fail.
 */
public final class RedisTestSupport {
    private RedisTestSupport() {
    }

    public static String redisUrl() {
        String url = System.getenv("REDIS_URL");
        return url == null || url.isBlank() ? "redis://127.0.0.1:6379" : url;
    }

    /** Skips the calling test, or fails it on CI, when Redis does not accept connections. */
    public static String requireRedis() {
        String url = redisUrl();
        URI uri = URI.create(url);
        int port = uri.getPort() > 0 ? uri.getPort() : 6379;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port), 500);
        } catch (IOException e) {
            String message = "Redis at " + url + " is not reachable: " + e;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + " (CI=true: Redis is required)");
            }
            Assumptions.abort(message);
        }
        return url;
    }
}
