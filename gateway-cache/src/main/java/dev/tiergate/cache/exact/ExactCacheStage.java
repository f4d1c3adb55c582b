package dev.tiergate.cache.exact;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tiergate.cache.internal.CacheDirectives;
import dev.tiergate.cache.internal.CachedAnswer;
import dev.tiergate.cache.internal.Replay;
import dev.tiergate.cache.internal.StreamRecording;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.pipeline.CacheOutcome;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.ChatExchange;
import dev.tiergate.core.pipeline.ChatResult;
import dev.tiergate.core.pipeline.FailurePolicy;
import dev.tiergate.core.pipeline.PipelineStage;
import dev.tiergate.core.pipeline.ResultMetadata;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * The exact response cache, the first pipeline stage. A request whose canonical form (see
 * {@link CacheKey}) was answered before, in the caller's namespace and within its team's TTL, is
 * answered from memory: as JSON for a plain request, as chunks for a stream request (the recorded
 * chunking, or chunks made from a plain answer), always under a fresh {@code id} and
 * {@code created}, with the original {@code usage}. Otherwise the request goes on and its answer
 * is recorded: a plain answer when it finished with stop, length or tool_calls; a streamed answer
 * as it passes, stored only when the stream completed cleanly with such a finish reason, and
 * dropped on error, cancel, or when it grows past the entry size cap.
 *
 * <p>Request headers: {@code Cache-Control: no-cache} or {@code x-tiergate-cache: off} skip the
 * cache entirely (outcome {@code bypass}); {@code Cache-Control: no-store} may read but never
 * stores. A hit carries {@value #AGE_HEADER} with its age in whole seconds.
 */
public final class ExactCacheStage implements PipelineStage {
    public static final String NAME = "exact-cache";
    public static final int ORDER = 100;
    public static final String AGE_HEADER = "x-tiergate-cache-age";

    private static final Logger log = LoggerFactory.getLogger(ExactCacheStage.class);

    private final ExactCacheSettings settings;
    private final Ticker ticker;
    private final Clock clock;
    private final Cache<CacheKey, CachedAnswer> cache;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder bypasses = new LongAdder();
    private final LongAdder stores = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder expirations = new LongAdder();

    private ExactCacheStage(ExactCacheSettings settings, Ticker ticker, Clock clock) {
        this.settings = settings;
        this.ticker = ticker;
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(settings.maxSizeBytes())
                .weigher((CacheKey key, CachedAnswer answer) -> answer.weight())
                .expireAfter(new TeamTtl())
                .ticker(ticker)
                .executor(Runnable::run)
                .removalListener((CacheKey key, CachedAnswer answer, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE) {
                        evictions.increment();
                    } else if (cause == RemovalCause.EXPIRED) {
                        expirations.increment();
                    }
                })
                .build();
    }

    /** A stage with the system ticker and clock. */
    public static ExactCacheStage of(ExactCacheSettings settings) {
        return builder(settings).build();
    }

    public static Builder builder(ExactCacheSettings settings) {
        return new Builder(settings);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public FailurePolicy failurePolicy() {
        return FailurePolicy.FAIL_OPEN;
    }

    public ExactCacheSettings settings() {
        return settings;
    }

    /** The counters now; runs pending maintenance first so expired entries are counted. */
    public ExactCacheStats stats() {
        cache.cleanUp();
        long bytes = cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
        return new ExactCacheStats(hits.sum(), misses.sum(), bypasses.sum(), stores.sum(), rejected.sum(),
                evictions.sum(), expirations.sum(), cache.estimatedSize(), bytes);
    }

    /** Drops every entry (an admin action, and tests). */
    public void invalidateAll() {
        cache.invalidateAll();
    }

    @Override
    public CompletionStage<ChatResult> handle(ChatExchange exchange, StageChain chain) {
        Caller caller = exchange.caller();
        CacheDirectives directives = CacheDirectives.of(exchange);
        if (directives.bypass() || (!settings.cacheNonDeterministic().test(caller) && samples(exchange.request()))) {
            bypasses.increment();
            return chain.proceed(exchange).thenApply(result -> Replay.withOutcome(result, CacheOutcome.BYPASS));
        }
        CacheKey key = CacheKey.of(settings.namespaceFor(caller), exchange);
        CachedAnswer answer = cache.getIfPresent(key);
        if (answer != null) {
            hits.increment();
            return CompletableFuture.completedFuture(replay(answer, exchange.request()));
        }
        misses.increment();
        Duration ttl = settings.ttlFor(caller);
        boolean store = !directives.noStore() && ttl.isPositive();
        return chain.proceed(exchange).thenApply(result -> afterMiss(result, key, ttl, store));
    }

    /** Whether a request samples: temperature above 0 (OpenAI's default is 1) and no seed. */
    static boolean samples(ChatRequest request) {
        boolean randomTemperature = request.temperature() == null || request.temperature() > 0;
        return randomTemperature && request.seed() == null;
    }

    private ChatResult replay(CachedAnswer answer, ChatRequest request) {
        long ageSeconds = Math.max(0, (ticker.read() - answer.storedAtNanos()) / 1_000_000_000L);
        ResultMetadata metadata = new ResultMetadata(answer.provider(), answer.model(), answer.tier(),
                CacheOutcome.HIT, Map.of(AGE_HEADER, Long.toString(ageSeconds)));
        return Replay.result(answer.completion(), answer.chunks(), request, clock.instant().getEpochSecond(),
                metadata);
    }

    private ChatResult afterMiss(ChatResult result, CacheKey key, Duration ttl, boolean store) {
        ChatResult tagged = Replay.withOutcome(result, CacheOutcome.MISS);
        if (!store || tagged.metadata().cache() != CacheOutcome.MISS) {
            // Not ours to keep: no-store, or a later cache answered (its outcome stays on the result).
            return tagged;
        }
        ResultMetadata origin = tagged.metadata();
        return switch (tagged) {
            case ChatResult.Complete complete -> {
                storeSafely(key, complete.completion(), null, CachedAnswer.weigh(complete.completion()), origin, ttl);
                yield complete;
            }
            case ChatResult.Streaming streaming -> streaming.withChunks(record(streaming.chunks(), key, origin, ttl));
        };
    }

    private Flux<ChatChunk> record(Flux<ChatChunk> chunks, CacheKey key, ResultMetadata origin, Duration ttl) {
        return Flux.defer(() -> {
            StreamRecording recording = new StreamRecording(settings.maxEntryBytes());
            return chunks
                    .doOnNext(recording::append)
                    .doOnComplete(() -> {
                        if (recording.overflowed()) {
                            rejected.increment();
                            return;
                        }
                        ChatCompletion aggregate = recording.aggregate();
                        storeSafely(key, aggregate, recording.chunks(),
                                recording.bytes() + CachedAnswer.weigh(aggregate), origin, ttl);
                    })
                    .doOnError(error -> rejected.increment())
                    .doOnCancel(rejected::increment);
        });
    }

    private void storeSafely(CacheKey key, ChatCompletion completion, List<ChatChunk> chunks, long weight,
                             ResultMetadata origin, Duration ttl) {
        try {
            if (!CachedAnswer.storable(completion) || weight > settings.maxEntryBytes()) {
                rejected.increment();
                return;
            }
            cache.put(key, new CachedAnswer(completion, chunks, origin.provider(), origin.model(), origin.tier(),
                    ticker.read(), ttl, (int) Math.min(weight, Integer.MAX_VALUE)));
            stores.increment();
        } catch (RuntimeException e) {
            // Fail open: the client has its answer; the cache just does not keep it.
            rejected.increment();
            log.warn("exact cache could not store an answer: {}", e.toString());
        }
    }

    /** Each entry lives for the TTL of the team that stored it. */
    private static final class TeamTtl implements Expiry<CacheKey, CachedAnswer> {
        @Override
        public long expireAfterCreate(CacheKey key, CachedAnswer answer, long currentTime) {
            return answer.ttl().toNanos();
        }

        @Override
        public long expireAfterUpdate(CacheKey key, CachedAnswer answer, long currentTime, long currentDuration) {
            return answer.ttl().toNanos();
        }

        @Override
        public long expireAfterRead(CacheKey key, CachedAnswer answer, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    /** Builds an {@link ExactCacheStage}; the ticker and clock are there for tests. */
    public static final class Builder {
        private final ExactCacheSettings settings;
        private Ticker ticker = Ticker.systemTicker();
        private Clock clock = Clock.systemUTC();

        private Builder(ExactCacheSettings settings) {
            this.settings = requireNonNull(settings, "settings");
        }

        /** The time source of TTLs and ages. */
        public Builder ticker(Ticker newTicker) {
            this.ticker = requireNonNull(newTicker, "ticker");
            return this;
        }

        /** The time source of {@code created} in replayed answers. */
        public Builder clock(Clock newClock) {
            this.clock = requireNonNull(newClock, "clock");
            return this;
        }

        public ExactCacheStage build() {
            return new ExactCacheStage(settings, ticker, clock);
        }
    }
}
