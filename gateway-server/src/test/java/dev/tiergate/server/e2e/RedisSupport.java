package dev.tiergate.server.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Duration;

/**
 * The Redis of the tests: {@code REDIS_URL} (default {@code redis://127.0.0.1:6379}). When it does
 * not answer, a test fails under {@code CI=true} and is skipped otherwise.
 */
public final class RedisSupport {
    private RedisSupport() {
    }

    public static String url() {
        String url = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
        String problem = ping(url);
        if (problem != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("Redis at " + url + " does not answer (CI=true needs it): " + problem);
            }
            assumeTrue(false, "Redis at " + url + " does not answer: " + problem);
        }
        return url;
    }

    /** A key prefix no other test run uses. */
    public static String uniquePrefix(String name) {
        return "tiergate-test:" + name + ":" + System.nanoTime() + ":";
    }

    /** Deletes every key under {@code prefix}. */
    public static void deleteKeys(String url, String prefix) {
        RedisClient client = RedisClient.create(url);
        try (var connection = client.connect()) {
            var redis = connection.sync();
            var keys = redis.keys(prefix + "*");
            if (!keys.isEmpty()) {
                redis.del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    private static String ping(String url) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(Duration.ofSeconds(2));
        RedisClient client = RedisClient.create(uri);
        try (var connection = client.connect()) {
            return "PONG".equals(connection.sync().ping()) ? null : "no PONG";
        } catch (RuntimeException e) {
            return e.toString();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
