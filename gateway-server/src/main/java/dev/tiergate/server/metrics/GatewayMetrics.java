package dev.tiergate.server.metrics;

import dev.tiergate.core.accounting.SavingReason;
import dev.tiergate.core.accounting.SavingsLedger;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.accounting.UsageStore;
import dev.tiergate.core.pipeline.PipelineStage;
import dev.tiergate.core.pipeline.StageMeter;
import dev.tiergate.core.pipeline.StageObserver;
import dev.tiergate.core.error.RateLimitedError;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.server.auth.AuthFailures;
import dev.tiergate.server.accounting.UsageStoreListener;
import dev.tiergate.server.requests.RequestListener;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.routing.Escalation;
import dev.tiergate.core.routing.RouteCause;
import dev.tiergate.core.routing.RouteDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import dev.tiergate.server.health.HeapReading;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gateway's meters, in Prometheus format through Micrometer. Tags are low-cardinality
 * config values only (team, model, provider, tier, cache outcome, status, route): never prompts,
 * users or keys, and never a name a client made up.
 * <ul>
 *   <li>{@code tiergate.requests}: timer (count and latency histogram) per finished request.</li>
 *   <li>{@code tiergate.tokens}: counter by type (input, output, cached).</li>
 *   <li>{@code tiergate.cost.usd}, {@code tiergate.savings.usd}: counters in USD.</li>
 *   <li>{@code tiergate.cache.hit.ratio}: gauge per team, hits over cacheable answers since start.</li>
 *   <li>{@code tiergate.limits.refused}: counter per team and limit code.</li>
 *   <li>{@code tiergate.router.cascades}: counter of cascaded requests per team and outcome
 *       ({@code kept}: the first tier's answer, {@code escalated}); {@code tiergate.router.escalations}:
 *       counter per team, cause (refusal, truncated, invalid-json, low-logprob) and the tier escalated from.</li>
 *   <li>{@code tiergate.upstream.attempts} (timer), {@code tiergate.upstream.breaker.state} (gauge).</li>
 *   <li>{@code tiergate.usage.corrupt.records}: counter per store and kind (unreadable, torn);
 *       {@code tiergate.usage.compactions} (timer), {@code tiergate.usage.compacted.records} and
 *       {@code tiergate.usage.pending} (gauge) per store.</li>
 *   <li>JVM (memory, GC, threads, classes, CPU, uptime) and Netty (event loops, allocator) meters.</li>
 * </ul>
 */
public final class GatewayMetrics implements AutoCloseable {
    /** Latency buckets of the request and upstream timers, seconds: enough for a chat SLO. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
        Duration.ofSeconds(120)};
    private static final String NONE = "none";
    /** The model label of a request for a name the config does not know (for the caller's team). */
    public static final String UNKNOWN = "unknown";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, CacheCounts> cacheByTeam = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> breakerStates = new ConcurrentHashMap<>();
    /** A stage's timer and step counters by stage name, bound once (a step only looks up and records). */
    private final Map<String, StageMeters> stageMeters = new ConcurrentHashMap<>();
    /** {@code tiergate.requests} by its labels, bound once per label set (a request only records). */
    private final Map<RequestLabels, Timer> requestTimers = new ConcurrentHashMap<>();
    /** The usage counters by their labels, bound once per label set. */
    private final Map<UsageLabels, UsageMeters> usageMeters = new ConcurrentHashMap<>();
    private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

    public GatewayMetrics(EventLoopGroup eventLoops) {
        new JvmMemoryMetrics().bindTo(registry);
        new PolledGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new NettyEventExecutorMetrics(eventLoops).bindTo(registry);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            new NettyAllocatorMetrics(provider).bindTo(registry);
        }
        HeapReading heap = HeapReading.fromMemoryPools();
        Gauge.builder("tiergate.heap.used.after.gc", heap, HeapReading::usedAfterGc).baseUnit("ratio").strongReference(true)
                .description("share of the maximum heap still used after the last collection of each heap pool"
                        + " (what /readyz compares with server.ready-max-heap-percent)")
                .register(registry);
    }

    /** Gauges of what all clients together hold: requests in flight, request body bytes buffered. */
    public void serverLoad(IntSupplier inFlight, LongSupplier bufferedRequestBytes) {
        Gauge.builder("tiergate.requests.in.flight", inFlight, IntSupplier::getAsInt).strongReference(true)
                .description("requests being answered, streams until their last byte (server.max-in-flight)")
                .register(registry);
        Gauge.builder("tiergate.request.bodies.buffered", bufferedRequestBytes, LongSupplier::getAsLong)
                .strongReference(true)
                .baseUnit("bytes").description("request body bytes held in memory (server.max-buffered-request-mb)")
                .register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * The listener that records {@code tiergate.requests} for every finished request. Every label
     * comes from the config or the gateway itself: the model is the one that answered, else the
     * requested name when {@code models} knows it for the team, else {@value #UNKNOWN}, so requests
     * for made-up names add no series.
     */
    public RequestListener requests(KnownModels models) {
        return r -> {
            UsageRecord record = r.facts() == null ? null : r.facts().usage().get();
            String model = record != null && record.model() != null ? record.model()
                    : r.requestedModel() == null || r.requestedModel().isEmpty() || r.team() == null ? null
                    : models.known(r.team(), r.requestedModel()) ? r.requestedModel() : UNKNOWN;
            RequestLabels labels = new RequestLabels(r.route(), orNone(r.team()), orNone(model),
                    orNone(record == null ? null : record.provider()), orNone(record == null ? null : record.tier()),
                    orNone(record == null ? null : record.cache()), r.status());
            requestTimers.computeIfAbsent(labels, this::requestTimer).record(r.durationNanos(), TimeUnit.NANOSECONDS);
            if (r.facts() != null) {
                cascade(r.team(), r.facts());
            }
        };
    }

    /** A cascaded request (route cause {@code cascade}) and its escalations, by team and cause. */
    private void cascade(String team, RequestFacts facts) {
        RouteDecision route = facts.route().get();
        if (route == null || route.cause() != RouteCause.CASCADE || facts.served().get() == null) {
            return;
        }
        count("tiergate.router.cascades", "Cascaded requests by outcome: kept the first tier's answer, or escalated",
                Tags.of("team", orNone(team), "outcome", facts.escalations().isEmpty() ? "kept" : "escalated"), 1);
        for (Escalation escalation : facts.escalations()) {
            count("tiergate.router.escalations", "Cascade escalations by the check that failed",
                    Tags.of("team", orNone(team), "cause", escalation.cause(), "tier", escalation.fromTier()), 1);
        }
    }

    /** Whether a team may name a model or alias under the config that serves now. */
    @FunctionalInterface
    public interface KnownModels {
        boolean known(String team, String model);
    }

    private Timer requestTimer(RequestLabels l) {
        return Timer.builder("tiergate.requests")
                .description("Finished requests: count and latency to the last byte")
                .tags("route", l.route(), "team", l.team(), "model", l.model(), "provider", l.provider(),
                        "tier", l.tier(), "cache", l.cache(), "status", Integer.toString(l.status()))
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    /** The labels of {@code tiergate.requests}. */
    private record RequestLabels(String route, String team, String model, String provider, String tier, String cache,
                                 int status) {
    }

    /** Counts an answered request's tokens, cost and saving. */
    public void usage(UsageRecord r) {
        UsageLabels labels = new UsageLabels(r.team(), orNone(r.model()), orNone(r.provider()), orNone(r.tier()),
                orNone(r.cache()));
        usageMeters.computeIfAbsent(labels, l -> new UsageMeters(l.tags())).count(r);
        ledger(r.team(), r.ledger());
        if (r.cache() != null && !"bypass".equals(r.cache()) && r.savingReason() != SavingReason.SHADOW_CHECK) {
            cacheCounts(r.team()).add("hit".equals(r.cache()) || "semantic-hit".equals(r.cache()));
        }
    }

    /** The labels the usage counters share. */
    private record UsageLabels(String team, String model, String provider, String tier, String cache) {
        Tags tags() {
            return Tags.of("team", team, "model", model, "provider", provider, "tier", tier, "cache", cache);
        }
    }

    /**
     * The usage counters of one label set: tokens by type, cost, and savings by reason. A counter
     * is registered when first counted (a zero adds no series, as before pre-binding).
     */
    private final class UsageMeters {
        private final Tags tags;
        private volatile Counter input;
        private volatile Counter output;
        private volatile Counter cached;
        private volatile Counter cacheWrite;
        private volatile Counter cost;
        private final Map<SavingReason, Counter> savings = new ConcurrentHashMap<>();

        UsageMeters(Tags tags) {
            this.tags = tags;
        }

        void count(UsageRecord r) {
            if (r.inputTokens() != 0) {
                (input != null ? input : (input = tokens("input"))).increment(r.inputTokens());
            }
            if (r.outputTokens() != 0) {
                (output != null ? output : (output = tokens("output"))).increment(r.outputTokens());
            }
            if (r.cachedTokens() != 0) {
                (cached != null ? cached : (cached = tokens("cached"))).increment(r.cachedTokens());
            }
            if (r.cacheWriteTokens() != 0) {
                (cacheWrite != null ? cacheWrite : (cacheWrite = tokens("cache_write"))).increment(r.cacheWriteTokens());
            }
            double costUsd = r.costUsd().doubleValue();
            if (costUsd != 0) {
                (cost != null ? cost : (cost = counter("tiergate.cost.usd", "Cost of answered requests in USD", tags)))
                        .increment(costUsd);
            }
            double savingUsd = r.savingUsd().doubleValue();
            if (savingUsd != 0) {
                savings.computeIfAbsent(r.savingReason(), reason -> counter("tiergate.savings.usd",
                        "Savings against the baseline in USD", tags.and("reason", reason.value()))).increment(savingUsd);
            }
        }

        private Counter tokens(String type) {
            return counter("tiergate.tokens", "Tokens of answered requests", tags.and("type", type));
        }

        private Counter counter(String name, String description, Tags counterTags) {
            return Counter.builder(name).description(description).tags(counterTags).register(registry);
        }
    }

    /**
     * The savings ledger per team: {@code tiergate.ledger.baseline.usd} and
     * {@code tiergate.ledger.actual.usd}, and per reason what was saved
     * ({@code tiergate.ledger.saved.usd}) and what was spent on top ({@code tiergate.ledger.spent.usd},
     * escalations, shadow checks, failed attempts, prompt-cache writes that cost more than their
     * reads saved): counters only grow, so a negative part counts as spent. Saved minus spent over
     * all reasons is baseline minus actual.
     */
    private void ledger(String team, SavingsLedger l) {
        Tags tags = Tags.of("team", team);
        count("tiergate.ledger.baseline.usd", "Baseline cost of answered requests in USD", tags, usd(l.baselineNanos()));
        count("tiergate.ledger.actual.usd", "Actual cost of answered requests in USD", tags, usd(l.actualNanos()));
        reason(tags, "exact_cache", l.exactCacheNanos());
        reason(tags, "semantic_cache", l.semanticCacheNanos());
        reason(tags, "routing", l.routingNanos());
        reason(tags, "prompt_cache", l.promptCacheNanos());
        reason(tags, "escalation", l.escalationNanos());
        reason(tags, "shadow_check", l.shadowCheckNanos());
        reason(tags, "failed_attempts", l.failedAttemptsNanos());
    }

    private void reason(Tags team, String reason, long nanos) {
        if (nanos > 0) {
            count("tiergate.ledger.saved.usd", "Savings against the baseline by reason in USD",
                    team.and("reason", reason), usd(nanos));
        } else if (nanos < 0) {
            count("tiergate.ledger.spent.usd", "Spend on top of the baseline by reason in USD",
                    team.and("reason", reason), usd(-nanos));
        }
    }

    private static double usd(long nanos) {
        return nanos / 1e9;
    }

    /**
     * The pipeline runner's observer: {@code tiergate.stage.steps} counts each stage's steps by
     * outcome (hit, miss, bypass, shed, failed-open, refused, ...) and {@code tiergate.stage.duration}
     * times each stage's part before the answer. Stage names and outcomes are fixed labels.
     */
    public StageObserver stageObserver() {
        return (stage, outcome, nanos) -> {
            StageMeters meters = stageMeters.get(stage);
            if (meters == null) {
                meters = stageMeters.computeIfAbsent(stage, this::stageMeters);
            }
            meters.stepped(outcome, nanos);
        };
    }

    private StageMeters stageMeters(String stage) {
        return new StageMeters(stage, Timer.builder("tiergate.stage.duration")
                .description("Time a pipeline stage took before passing a request on or answering it")
                .tags("stage", stage).register(registry), new ConcurrentHashMap<>());
    }

    /** One stage's duration timer and its step counters by outcome. */
    private final class StageMeters {
        private final String stage;
        private final Timer duration;
        private final Map<String, Counter> steps;

        StageMeters(String stage, Timer duration, Map<String, Counter> steps) {
            this.stage = stage;
            this.duration = duration;
            this.steps = steps;
        }

        void stepped(String outcome, long nanos) {
            Counter counter = steps.get(outcome);
            if (counter == null) {
                counter = steps.computeIfAbsent(outcome, o -> Counter.builder("tiergate.stage.steps")
                        .description("Pipeline stage steps by outcome")
                        .tags("stage", stage, "outcome", o).register(registry));
            }
            counter.increment();
            duration.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Registers the stages' own measures (read when scraped); the meters returned are to be given
     * to {@link #remove} when those stages are replaced.
     */
    public List<Meter> bindStageMeters(List<PipelineStage> stages) {
        List<Meter> meters = new ArrayList<>();
        for (PipelineStage stage : stages) {
            for (StageMeter m : stage.meters()) {
                Tags tags = m.tagKey() == null ? Tags.of("stage", stage.name()) : Tags.of("stage", stage.name(),
                        m.tagKey(), m.tagValue());
                // Micrometer holds a function meter's state weakly: the state is the stage (held by the
                // pipeline), never the StageMeter made in meters(), or the meter reads 0 after a GC.
                meters.add(m.kind() == StageMeter.Kind.COUNTER
                        ? FunctionCounter.builder(m.name(), stage, s -> m.value().getAsDouble())
                                .description(m.description()).tags(tags).register(registry)
                        : Gauge.builder(m.name(), stage, s -> m.value().getAsDouble())
                                .description(m.description()).tags(tags).register(registry));
            }
        }
        return meters;
    }

    public void remove(List<Meter> meters) {
        meters.forEach(registry::remove);
    }

    /**
     * {@code tiergate.auth.failures{reason}}: failed authentications (reasons {@code missing_api_key},
     * {@code invalid_api_key}, {@code other}); {@code tiergate.auth.refused}: requests refused because
     * their address failed too often.
     */
    public AuthFailures.Listener authFailures() {
        return new AuthFailures.Listener() {
            @Override
            public void failed(String reason) {
                Counter.builder("tiergate.auth.failures").description("Failed authentications by reason")
                        .tags("reason", reason).register(registry).increment();
            }

            @Override
            public void refused() {
                Counter.builder("tiergate.auth.refused")
                        .description("Requests refused because their address failed to authenticate too often")
                        .register(registry).increment();
            }
        };
    }

    /**
     * What the usage store {@code store} ({@code file} or {@code redis}) reports: unreadable records
     * ({@code tiergate.usage.corrupt.records}, by kind, registered at 0 so an alert can watch it) and
     * compactions ({@code tiergate.usage.compactions}, {@code tiergate.usage.compacted.records}).
     */
    public UsageStoreListener usageStoreListener(String store) {
        Map<UsageStoreListener.CorruptKind, Counter> corrupt = new java.util.EnumMap<>(UsageStoreListener.CorruptKind.class);
        for (UsageStoreListener.CorruptKind kind : UsageStoreListener.CorruptKind.values()) {
            corrupt.put(kind, Counter.builder("tiergate.usage.corrupt.records")
                    .description("Usage records found unreadable (left out of the totals) or cut short by a crash")
                    .tags("store", store, "kind", kind.tag()).register(registry));
        }
        Timer compactions = Timer.builder("tiergate.usage.compactions")
                .description("Compactions of the usage file or stream, and how long they took")
                .tags("store", store).register(registry);
        Counter compacted = Counter.builder("tiergate.usage.compacted.records")
                .description("Usage records rolled into totals (file) or trimmed from the stream (Redis)")
                .tags("store", store).register(registry);
        return new UsageStoreListener() {
            @Override
            public void corruptRecord(CorruptKind kind) {
                corrupt.get(kind).increment();
            }

            @Override
            public void compacted(long rolledRecords, Duration took) {
                compactions.record(took);
                compacted.increment(rolledRecords);
            }
        };
    }

    /**
     * {@code tiergate.usage.pending}: the records {@code usage} was given but has not yet written
     * (what a process killed now would lose).
     */
    public void usagePending(String store, UsageStore usage) {
        Gauge.builder("tiergate.usage.pending", usage, UsageStore::pending)
                .description("Usage records appended but not yet written to the file or sent to Redis")
                .tags("store", store).register(registry);
    }

    public void limitRefused(String team, RateLimitedError error) {
        Counter.builder("tiergate.limits.refused").description("Requests refused by a team or key limit")
                .tags("team", team, "code", orNone(error.code())).register(registry).increment();
    }

    /**
     * Reports a provider's circuit breaker state: 0 closed, 1 half-open, 2 open. Until a breaker
     * reports, a provider's calls always go through, which the gauge shows as closed.
     */
    public void breakerState(String provider, int state) {
        breakerStates.computeIfAbsent(provider, p -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("tiergate.upstream.breaker.state", value, AtomicInteger::get)
                    .description("Circuit breaker state per provider: 0 closed, 1 half-open, 2 open")
                    .tags("provider", p).register(registry);
            return value;
        }).set(state);
    }

    /** The adapter with every call counted and timed as an upstream attempt. */
    public ProviderAdapter instrument(ProviderAdapter adapter) {
        breakerState(adapter.id(), 0);
        return new MeteredProviderAdapter(adapter, registry, BUCKETS);
    }

    /**
     * Adds to a counter registered when first counted (a zero adds no series), kept by name and
     * tags so that a request's counts (the ledger's, the cascade's) look no meter up in the registry.
     */
    private void count(String name, String description, Tags tags, double amount) {
        if (amount != 0) {
            counters.computeIfAbsent(new CounterKey(name, tags),
                    k -> Counter.builder(name).description(description).tags(tags).register(registry)).increment(amount);
        }
    }

    /** A counter's identity: its name and tags. */
    private record CounterKey(String name, Tags tags) {
    }

    private CacheCounts cacheCounts(String team) {
        return cacheByTeam.computeIfAbsent(team, t -> {
            CacheCounts counts = new CacheCounts();
            Gauge.builder("tiergate.cache.hit.ratio", counts, CacheCounts::ratio)
                    .description("Cache hits over cacheable answered requests since start")
                    .tags("team", t).register(registry);
            return counts;
        });
    }

    private static String orNone(String value) {
        return value == null || value.isEmpty() ? NONE : value;
    }

    @Override
    public void close() {
        registry.close();
    }

    /** Hits and lookups of one team. */
    private static final class CacheCounts {
        final LongAdder hits = new LongAdder();
        final LongAdder lookups = new LongAdder();

        void add(boolean hit) {
            lookups.increment();
            if (hit) {
                hits.increment();
            }
        }

        double ratio() {
            long all = lookups.sum();
            return all == 0 ? 0 : (double) hits.sum() / all;
        }
    }
}
