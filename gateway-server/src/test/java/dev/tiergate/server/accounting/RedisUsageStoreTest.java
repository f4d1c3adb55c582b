package dev.tiergate.server.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.accounting.UsageAggregates;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.accounting.UsageQuery;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.accounting.UsageReport;
import dev.tiergate.core.config.UsageStoreConfig;
import dev.tiergate.server.e2e.RedisSupport;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Redis usage store on the test Redis: records sent as they come, and the stream trimmed by one replica at a time. */
class RedisUsageStoreTest {
    private static final Instant START = Instant.parse("2025-05-01T00:00:00Z");

    @TempDir
    Path dir;
    private String url;
    private String prefix;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    @BeforeEach
    void connect() {
        url = RedisSupport.url();
        prefix = RedisSupport.uniquePrefix("usage-store");
        client = RedisClient.create(url);
        connection = client.connect();
    }

    @AfterEach
    void disconnect() {
        RedisSupport.deleteKeys(url, prefix);
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }

    private RedisUsageStore store(Clock clock, UsageStoreListener listener) {
        return new RedisUsageStore(connection.async(), prefix, dir.resolve("fallback.jsonl"),
                UsageStoreConfig.defaults(), clock, listener);
    }

    @Test
    void compactionTrimsOldEntriesCountsUnreadableOnesOnceAcrossReplicasAndLeavesTheTotals() throws Exception {
        List<UsageRecord> records = UsageRecords.spread(21, 300, START, Duration.ofDays(60));
        UsageAggregates expected = new UsageAggregates();
        records.forEach(expected::add);
        RedisUsageStore writer = store(Clock.systemUTC(), UsageStoreListener.NONE);
        records.forEach(writer::append);
        writer.flush().toCompletableFuture().get(10, TimeUnit.SECONDS);
        writer.compact().toCompletableFuture().get(30, TimeUnit.SECONDS);
        writer.close();

        RedisCommands<String, String> redis = connection.sync();
        String stream = prefix + "usage:records";
        redis.xadd(stream, Map.of("record", "{\"request_id\":\"req_broken\",\"times"));
        redis.xadd(stream, Map.of("something", "else"));
        long recent = Instant.now().plus(Duration.ofDays(29)).toEpochMilli();
        for (int i = 0; i < 5; i++) {
            redis.xadd(stream, new XAddArgs().id(recent + "-" + i), Map.of("record", UsageJson.write(records.get(i))));
        }
        List<String> before = reports(writer);
        assertThat(redis.xlen(stream)).isEqualTo(307);

        // two replicas whose "today" is a month ahead compact at once, as they start
        Clock monthAhead = Clock.offset(Clock.systemUTC(), Duration.ofDays(30));
        RecordingUsageListener first = new RecordingUsageListener();
        RecordingUsageListener second = new RecordingUsageListener();
        RedisUsageStore a = store(monthAhead, first);
        RedisUsageStore b = store(monthAhead, second);
        long again = a.compact().toCompletableFuture().get(30, TimeUnit.SECONDS)
                + b.compact().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(again).isBetween(-2L, 0L);

        assertThat(first.corrupt(UsageStoreListener.CorruptKind.UNREADABLE)
                + second.corrupt(UsageStoreListener.CorruptKind.UNREADABLE)).isEqualTo(2);
        assertThat(sumOfCompactions(first) + sumOfCompactions(second)).isEqualTo(302);
        assertThat(redis.xlen(stream)).isEqualTo(5);
        assertThat(redis.xrange(prefix + "usage:corrupt", io.lettuce.core.Range.create("-", "+")))
                .hasSize(2).anySatisfy(m -> assertThat(m.getBody()).containsEntry("something", "else")
                        .containsKey("stream_id"));
        assertThat(reports(a)).isEqualTo(before);
        assertThat(a.totals(all()).toCompletableFuture().get()).isEqualTo(expected.select(all()));
        a.close();
        b.close();
    }

    private static long sumOfCompactions(RecordingUsageListener listener) throws InterruptedException {
        long sum = 0;
        while (listener.compacted()) {
            sum += listener.awaitCompaction();
        }
        return sum;
    }

    private static UsageQuery all() {
        return new UsageQuery(LocalDate.parse("2025-05-01"), LocalDate.parse("2025-07-31"), null);
    }

    private static List<String> reports(RedisUsageStore store) {
        return List.of(all(), new UsageQuery(LocalDate.parse("2025-06-01"), LocalDate.parse("2025-06-30"), "labs"))
                .stream().map(q -> new UsageReport(q, store.totals(q).toCompletableFuture().join()).toJson().toString())
                .toList();
    }
}
