package dev.tiergate.cache.exact;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tiergate.cache.CachedEntrySummary;
import dev.tiergate.cache.internal.CachedAnswer;
import dev.tiergate.cache.internal.PerEntryTtl;
import dev.tiergate.cache.internal.Replay;
import dev.tiergate.cache.internal.Sampling;
import dev.tiergate.cache.internal.StreamRecording;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.CacheLookup;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.FailurePolicy;
import dev.tiergate.core.pipeline.NamedStage;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.pipeline.Served;
import dev.tiergate.core.pipeline.StageMeter;
import dev.tiergate.core.pipeline.StageStep;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * The exact response cache, the first cache of the chat pipeline. A request whose canonical form (see
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
 * stores. What it did is the request's {@link RequestFacts#exactCache()} fact (a hit with its age).
 */
public final class ExactCacheStage extends NamedStage {
    public static final String NAME = "exact-cache";

    private static final Logger log = LoggerFactory.getLogger(ExactCacheStage.class);

    private final ExactCacheSettings settings;
    private final Ticker ticker;
    private final Clock clock;
    private final Cache<CacheKey, CachedAnswer> cache;
    private final LongAdder stores = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder expirations = new LongAdder();

    private ExactCacheStage(ExactCacheSettings settings, Ticker ticker, Clock clock) {
        super(NAME, FailurePolicy.FAIL_OPEN);
        this.settings = settings;
        this.ticker = ticker;
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(settings.maxSizeBytes())
                .weigher((CacheKey key, CachedAnswer answer) -> answer.weight())
                .expireAfter(new PerEntryTtl<CacheKey, CachedAnswer>(CachedAnswer::ttl))
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

    public ExactCacheSettings settings() {
        return settings;
    }

    /** The counters now; runs pending maintenance first so expired entries are counted. */
    public ExactCacheStats stats() {
        cache.cleanUp();
        long bytes = cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
        return new ExactCacheStats(stores.sum(), rejected.sum(),
                evictions.sum(), expirations.sum(), cache.estimatedSize(), bytes);
    }

    /**
     * The entries of {@code namespace} (an admin view), at most {@code max}, newest first; never
     * their text.
     */
    public List<CachedEntrySummary> entries(String namespace, int max) {
        requireNonNull(namespace, "namespace");
        cache.cleanUp();
        long nowNanos = ticker.read();
        Instant now = clock.instant();
        List<CachedEntrySummary> found = new ArrayList<>();
        cache.asMap().forEach((key, answer) -> {
            if (key.namespace().equals(namespace)) {
                Instant storedAt = now.minusNanos(Math.max(0, nowNanos - answer.storedAtNanos()));
                found.add(new CachedEntrySummary(NAME, key.toString(), namespace, storedAt,
                        storedAt.plus(answer.ttl()), answer.weight(), answer.model(), answer.provider(),
                        answer.tier()));
            }
        });
        found.sort(Comparator.comparing(CachedEntrySummary::storedAt).reversed());
        return found.size() > max ? List.copyOf(found.subList(0, max)) : found;
    }

    /** Removes every entry of {@code namespace}; returns how many there were. */
    public int invalidate(String namespace) {
        requireNonNull(namespace, "namespace");
        int[] removed = {0};
        cache.asMap().keySet().removeIf(key -> {
            boolean match = key.namespace().equals(namespace);
            removed[0] += match ? 1 : 0;
            return match;
        });
        return removed[0];
    }

    /** Removes the entry {@code id} (as {@link #entries} lists it) of {@code namespace}; whether it was there. */
    public boolean invalidate(String namespace, String id) {
        requireNonNull(namespace, "namespace");
        requireNonNull(id, "id");
        return cache.asMap().keySet().removeIf(key -> key.namespace().equals(namespace) && key.toString().equals(id));
    }

    @Override
    public List<StageMeter> meters() {
        return List.of(
                StageMeter.counter("tiergate.cache.exact.stores", "Answers the exact cache stored or would not keep",
                        "outcome", "stored", () -> stores.sum()),
                StageMeter.counter("tiergate.cache.exact.stores", "Answers the exact cache stored or would not keep",
                        "outcome", "rejected", () -> rejected.sum()),
                StageMeter.counter("tiergate.cache.exact.removals", "Exact cache entries removed",
                        "cause", "evicted", () -> evictions.sum()),
                StageMeter.counter("tiergate.cache.exact.removals", "Exact cache entries removed",
                        "cause", "expired", () -> expirations.sum()),
                StageMeter.gauge("tiergate.cache.exact.entries", "Entries in the exact cache",
                        () -> stats().entries()),
                StageMeter.gauge("tiergate.cache.exact.bytes", "Approximate bytes in the exact cache",
                        () -> stats().bytes()));
    }

    @Override
    public CompletionStage<StageStep> before(Exchange exchange) {
        Caller caller = exchange.caller();
        ChatRequest request = exchange.chat();
        if (exchange.cacheDirectives().bypass()
                || (!settings.cacheNonDeterministic().test(caller) && Sampling.samples(request))) {
            exchange.facts().exactCache().set(CacheLookup.bypass());
            return StageStep.proceed(exchange, "bypass");
        }
        CacheKey key = CacheKey.of(settings.namespaceFor(caller), exchange);
        CachedAnswer answer = cache.getIfPresent(key);
        if (answer != null) {
            long ageSeconds = Math.max(0, (ticker.read() - answer.storedAtNanos()) / 1_000_000_000L);
            exchange.facts().exactCache().set(CacheLookup.hit(ageSeconds));
            exchange.facts().served().set(Served.fromCache(answer.provider(), answer.model(), answer.tier()));
            return StageStep.respond(Replay.answer(answer.completion(), answer.chunks(), request,
                    clock.instant().getEpochSecond()), "hit");
        }
        exchange.facts().exactCache().set(CacheLookup.miss());
        Duration ttl = settings.ttlFor(caller);
        if (exchange.cacheDirectives().noStore() || !ttl.isPositive()) {
            return StageStep.proceed(exchange, "miss");
        }
        return StageStep.proceed(exchange, "miss", returned -> afterMiss(returned, exchange, key, ttl));
    }

    /** Keeps what the provider answered; an answer a later cache gave is not ours to keep. */
    private Answer afterMiss(Answer answer, Exchange exchange, CacheKey key, Duration ttl) {
        Served origin = exchange.facts().served().get();
        if (origin == null || origin.fromCache()) {
            return answer;
        }
        return switch (answer) {
            case Answer.Complete complete -> {
                store(key, complete.completion(), null, CachedAnswer.weigh(complete.completion()), origin, ttl);
                yield complete;
            }
            case Answer.Stream stream -> stream.withChunks(record(stream.chunks(), key, origin, ttl));
            case Answer.Embeddings embeddings -> embeddings;
        };
    }

    private Flux<ChatChunk> record(Flux<ChatChunk> chunks, CacheKey key, Served origin, Duration ttl) {
        return StreamRecording.recorded(chunks, settings.maxEntryBytes(), recording -> {
            ChatCompletion aggregate = recording.aggregate();
            store(key, aggregate, recording.chunks(), recording.bytes() + CachedAnswer.weigh(aggregate),
                    origin, ttl);
        }, rejected::increment);
    }

    private void store(CacheKey key, ChatCompletion completion, List<ChatChunk> chunks, long weight,
                       Served origin, Duration ttl) {
        try {
            if (!CachedAnswer.storable(completion) || weight > settings.maxEntryBytes()) {
                rejected.increment();
                return;
            }
            cache.put(key, new CachedAnswer(completion, chunks, origin.provider(), origin.model(), origin.tier(),
                    ticker.read(), ttl, (int) Math.min(weight, Integer.MAX_VALUE)));
            stores.increment();
        } catch (RuntimeException e) {
            // A stream's end: past the runner, so counted here; the client has its answer regardless.
            rejected.increment();
            log.warn("exact cache could not store an answer: {}", e.toString());
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
