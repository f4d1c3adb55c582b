package dev.tiergate.server.accounting;

import dev.tiergate.core.accounting.LimitCheck;
import dev.tiergate.core.accounting.LimitScope;
import dev.tiergate.core.accounting.Limits;
import dev.tiergate.core.accounting.Reservation;
import java.math.BigDecimal;
import dev.tiergate.core.config.UsageStoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What limits cost a request with Redis on loopback ({@code REDIS_URL}, default
 * {@code redis://127.0.0.1:6379}): the reservation (one EVALSHA over a team and a key scope, on
 * the request's path) and, for the upper bound, the reservation and its settlement awaited one
 * after the other (in the gateway the settlement is not awaited). Sample time: read p50 and p99.
 * Run with {@code BENCH_MODULE=gateway-server bash bench/jmh.sh ReserveSettle}; not a test.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class ReserveSettleBenchmark {
    private RedisAccounting redis;
    private RedisLimitStore store;
    private List<LimitScope> scopes;
    private List<String> ids;
    private final Reservation reservation = new Reservation(4_000, 40_000_000);

    @Setup(Level.Trial)
    public void connect() {
        String url = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
        redis = RedisAccounting.connect(url, "tiergate-bench:" + System.nanoTime() + ":",
                Path.of("target/bench-usage.jsonl"), UsageStoreConfig.defaults(), Clock.systemUTC(),
                UsageStoreListener.NONE);
        store = redis.limitStore();
        // Limits that never refuse, so every call reserves and counts.
        Limits limits = new Limits(1_000_000_000, 1_000_000_000_000L, new BigDecimal("1000000000"), 80);
        scopes = List.of(LimitScope.team("bench", limits), LimitScope.key("bench", "k", limits));
        ids = scopes.stream().map(LimitScope::id).toList();
    }

    @TearDown(Level.Trial)
    public void close() {
        redis.close();
    }

    /** The reservation alone: what a request waits for before it goes upstream. */
    @Benchmark
    public LimitCheck reserve() {
        return store.acquire(scopes, Instant.now(), reservation).toCompletableFuture().join();
    }

    /** A reservation and its settlement, both awaited: an upper bound of the round trips a request causes. */
    @Benchmark
    public Object reserveThenSettle() {
        Instant now = Instant.now();
        LimitCheck check = store.acquire(scopes, now, reservation).toCompletableFuture().join();
        store.record(ids, now, 49 - reservation.tokens(), 490_000 - reservation.costNanos());
        return store.flush().toCompletableFuture().join() == null ? check : null;
    }
}
