package dev.tiergate.cache.semantic.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisSemanticStoreTest extends SemanticStoreContract {
    private static String url;
    private static RedisClient inspector;
    private static StatefulRedisConnection<String, String> inspection;
    private final List<RedisSemanticStore> opened = new ArrayList<>();
    private final String prefix = uniquePrefix();

    @BeforeAll
    static void connect() {
        url = RedisTestSupport.requireRedis();
        inspector = RedisClient.create(url);
        inspection = inspector.connect();
    }

    @AfterAll
    static void disconnect() {
        if (inspection != null) {
            inspection.close();
            inspector.shutdown();
        }
    }

    @AfterEach
    void cleanUp() {
        opened.forEach(RedisSemanticStore::close);
        // Other people share this Redis: delete only this test's keys (SCAN is fine in a test).
        RedisCommands<String, String> redis = inspection.sync();
        ScanIterator.scan(redis, ScanArgs.Builder.matches(prefix + "*").limit(500)).forEachRemaining(redis::del);
    }

    @Override
    SemanticStore store() {
        RedisSemanticStore store = RedisSemanticStore.builder(url).keyPrefix(prefix)
                // generous: a loaded CI machine must not turn this behaviour test into a timing test
                .commandTimeout(Duration.ofSeconds(5)).connectTimeout(Duration.ofSeconds(5)).build();
        opened.add(store);
        return store;
    }

    @Override
    Duration shortTtl() {
        return Duration.ofMillis(1500);   // the put and the first read must land within it on a loaded machine
    }

    @Override
    void elapse(Duration duration) throws InterruptedException {
        // Redis expires on its own clock: wait for it.
        Thread.sleep(duration.toMillis());
    }

    @Test
    void keepsOneHashPerEntryAndSortedSetBucketsWithTtls() {
        RedisSemanticStore store = (RedisSemanticStore) store();
        put(store, "team-a:abc", "e1", buckets(1), "probe", "the answer", TTL);

        RedisCommands<String, String> redis = inspection.sync();
        String entry = prefix + "{team-a:abc}:e:e1";
        assertThat(redis.hkeys(entry)).containsExactlyInAnyOrder("p", "s", "a", "at");
        assertThat(redis.hget(entry, "a")).isEqualTo("the answer");
        assertThat(redis.pttl(entry)).isBetween(25_000L, 30_000L);
        int[] buckets = buckets(1);
        for (int table = 0; table < buckets.length; table++) {
            String bucket = store.bucketKey("team-a:abc", table, buckets[table]);
            assertThat(redis.zrange(bucket, 0, -1)).containsExactly("e1");
            assertThat(redis.pttl(bucket)).isBetween(25_000L, 30_000L);
        }
    }

    @Test
    void capsBucketsAtTheirMaximumSize() {
        RedisSemanticStore store = RedisSemanticStore.builder(url).keyPrefix(prefix).maxBucketSize(3)
                .commandTimeout(Duration.ofSeconds(5)).build();
        opened.add(store);
        for (int i = 0; i < 6; i++) {
            put(store, "p", "e" + i, buckets(2), "p", "a" + i, TTL.plusSeconds(i));
        }
        assertThat(inspection.sync().zrange(store.bucketKey("p", 0, buckets(2)[0]), 0, -1))
                .containsExactlyInAnyOrder("e3", "e4", "e5");
        assertThat(candidates(store, "p", buckets(2))).extracting(StoredProbe::id)
                .containsExactlyInAnyOrder("e3", "e4", "e5");
    }

    @Test
    void failsFastWhenRedisIsDown() {
        RedisSemanticStore down = RedisSemanticStore.builder("redis://127.0.0.1:1")
                .connectTimeout(Duration.ofMillis(200)).build();
        opened.add(down);
        long started = System.nanoTime();
        assertThatThrownBy(() -> candidates(down, "p", buckets(1))).isInstanceOf(CompletionException.class);
        assertThatThrownBy(() -> put(down, "p", "e", buckets(1), "p", "a", TTL)).isInstanceOf(CompletionException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void rejectsBadUrls() {
        assertThatThrownBy(() -> RedisSemanticStore.builder("http://localhost"))
                .hasMessage("redis url: http://localhost (expected: redis://host:port[/db])");
    }
}
