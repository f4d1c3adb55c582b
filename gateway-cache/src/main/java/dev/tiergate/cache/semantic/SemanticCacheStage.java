package dev.tiergate.cache.semantic;

import static java.util.Objects.requireNonNull;

import dev.tiergate.cache.exact.ExactCacheStage;
import dev.tiergate.cache.internal.CacheDirectives;
import dev.tiergate.cache.internal.CachedAnswer;
import dev.tiergate.cache.internal.Replay;
import dev.tiergate.cache.internal.StreamRecording;
import dev.tiergate.cache.semantic.AnswerCodec.StoredAnswer;
import dev.tiergate.cache.semantic.guard.PromptFeatures;
import dev.tiergate.cache.semantic.lsh.RandomHyperplaneLsh;
import dev.tiergate.cache.semantic.store.SemanticStore;
import dev.tiergate.cache.semantic.store.StoreEntry;
import dev.tiergate.cache.semantic.store.StoreMatch;
import dev.tiergate.cache.semantic.store.StoreQuery;
import dev.tiergate.core.embedding.PromptEmbedding;
import dev.tiergate.core.embedding.SentenceEmbedder;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ContentPart;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.MessageContent;
import dev.tiergate.core.pipeline.Attributes;
import dev.tiergate.core.pipeline.CacheOutcome;
import dev.tiergate.core.pipeline.ChatExchange;
import dev.tiergate.core.pipeline.ChatResult;
import dev.tiergate.core.pipeline.FailurePolicy;
import dev.tiergate.core.pipeline.PipelineStage;
import dev.tiergate.core.pipeline.ResultMetadata;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * The semantic response cache, after the exact cache. A request whose last message is a user
 * message is answered with an earlier answer when an earlier request had the same context (see
 * {@link ContextFingerprint}: system prompt, earlier turns, tools, response format, model, sampling
 * parameters), was made in the same team namespace, and had a last user message whose embedding is
 * at least the team's threshold similar and which passes every lexical {@link
 * dev.tiergate.cache.semantic.guard.Guard guard} (numbers, negation, ...). Otherwise the request goes
 * on and its answer is recorded, as the exact cache records: plain answers that finished with stop,
 * length or tool_calls; streams as they pass, stored only on clean completion.
 *
 * <p>The embedding runs on the bounded worker executor given to the builder, never on the event
 * loop; the request resumes on {@link ChatExchange#executor()}. The embedding is left in
 * {@link Attributes#PROMPT_EMBEDDING} for the router (and reused when a stage put one there first).
 * A hit carries cache outcome {@code semantic-hit}, {@value #SIMILARITY_HEADER} (the cosine
 * similarity, 4 decimals) and {@value ExactCacheStage#AGE_HEADER}. The stage fails open: a store
 * that is down, a full executor, an entry that does not decrypt, each is logged (at most every ten
 * seconds), counted, and the request goes on as a miss. {@code Cache-Control: no-cache} and
 * {@code x-tiergate-cache: off} skip it; {@code no-store} reads but does not store. Prompt text is
 * never stored: only vectors, hashes and answers.
 */
public final class SemanticCacheStage implements PipelineStage {
    public static final String NAME = "semantic-cache";
    public static final int ORDER = ExactCacheStage.ORDER + 100;
    public static final String SIMILARITY_HEADER = "x-tiergate-cache-similarity";

    private static final Logger log = LoggerFactory.getLogger(SemanticCacheStage.class);
    private static final long WARN_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();

    private final SentenceEmbedder embedder;
    private final SemanticStore store;
    private final Executor workers;
    private final SemanticCacheSettings settings;
    private final RandomHyperplaneLsh lsh;
    private final Clock clock;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder bypasses = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder stores = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder storeErrors = new LongAdder();
    private final LongAdder embedErrors = new LongAdder();
    private final LongAdder decodeErrors = new LongAdder();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);
    private final LongAdder suppressedWarnings = new LongAdder();

    /** What the worker computed for one request. */
    private record Probe(String partition, float[] vector, int[] bands, PromptFeatures features) {
    }

    /**
     * What the lookup found: a hit to replay, or nothing, with the probe (null when embedding failed)
     * and whether the answer may be recorded (not when the store just failed).
     */
    private record Lookup(ChatResult hit, Probe probe, boolean record) {
    }

    private SemanticCacheStage(Builder builder) {
        this.embedder = builder.embedder;
        this.store = builder.store;
        this.workers = builder.workers;
        this.settings = builder.settings;
        this.lsh = builder.lsh != null ? builder.lsh : RandomHyperplaneLsh.of(embedder.dimensions());
        this.clock = builder.clock;
        if (lsh.dimensions() != embedder.dimensions()) {
            throw new IllegalArgumentException("lsh: " + lsh.dimensions() + " dimensions (expected: the embedder's "
                    + embedder.dimensions() + ")");
        }
    }

    /**
     * A builder. {@code workers} runs the embeddings: a bounded executor (a few threads, a bounded
     * queue) shared with other blocking work such as the router's classifier.
     */
    public static Builder builder(SentenceEmbedder embedder, SemanticStore store, Executor workers) {
        return new Builder(embedder, store, workers);
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

    public SemanticCacheSettings settings() {
        return settings;
    }

    public SemanticCacheStats stats() {
        return new SemanticCacheStats(hits.sum(), misses.sum(), bypasses.sum(), skipped.sum(), stores.sum(),
                rejected.sum(), storeErrors.sum(), embedErrors.sum(), decodeErrors.sum());
    }

    @Override
    public CompletionStage<ChatResult> handle(ChatExchange exchange, StageChain chain) {
        SemanticTeamSettings team = settings.forTeam(exchange.caller().teamId());
        if (!team.enabled()) {
            return chain.proceed(exchange);
        }
        ChatRequest request = exchange.request();
        CacheDirectives directives = CacheDirectives.of(exchange);
        if (directives.bypass() || (!settings.cacheNonDeterministic() && CacheDirectives.samples(request))) {
            bypasses.increment();
            return chain.proceed(exchange).thenApply(result -> Replay.withOutcome(result, CacheOutcome.BYPASS));
        }
        String prompt = comparablePrompt(request);
        if (prompt == null) {
            skipped.increment();
            return chain.proceed(exchange);
        }
        String namespace = team.namespaceFor(exchange.caller().teamId());
        CompletableFuture<Probe> probe;
        try {
            probe = CompletableFuture.supplyAsync(() -> probe(exchange, prompt, namespace), workers);
        } catch (RejectedExecutionException e) {
            // Load shedding, not a failure: the lookup is skipped rather than queued behind model runs.
            skipped.increment();
            warn("semantic cache lookups shed: the embedding workers are busy ({})", e.getMessage());
            return chain.proceed(exchange);
        }
        boolean record = !directives.noStore() && team.ttl().isPositive();
        return probe
                .thenCompose(p -> lookup(p, team, exchange.request()))
                .exceptionally(error -> {
                    failed(error);
                    return new Lookup(null, null, false);
                })
                .thenComposeAsync(found -> {
                    if (found.hit() != null) {
                        hits.increment();
                        return CompletableFuture.completedFuture(found.hit());
                    }
                    misses.increment();
                    return chain.proceed(exchange).thenApply(result -> afterMiss(result, found.probe(), team,
                            record && found.record() && found.probe() != null));
                }, exchange.executor());
    }

    /** On a worker: the embedding (reused when already there), bands, features and partition. */
    private Probe probe(ChatExchange exchange, String prompt, String namespace) {
        PromptEmbedding embedding = exchange.attribute(Attributes.PROMPT_EMBEDDING);
        if (embedding == null || !embedding.modelId().equals(embedder.modelId())) {
            embedding = new PromptEmbedding(embedder.modelId(), embedder.embed(prompt));
            exchange.setAttribute(Attributes.PROMPT_EMBEDDING, embedding);
        }
        float[] vector = embedding.vector();
        String partition = ContextFingerprint.partition(namespace, embedder.modelId(), lsh.layout(),
                ContextFingerprint.of(exchange));
        return new Probe(partition, vector, lsh.bands(vector), PromptFeatures.of(prompt));
    }

    private CompletionStage<Lookup> lookup(Probe probe, SemanticTeamSettings team, ChatRequest request) {
        StoreQuery query = new StoreQuery(probe.partition(), probe.bands(), probe.vector(), team.threshold(),
                encoded -> compatible(probe.features(), encoded), settings.maxCandidates());
        CompletionStage<Optional<StoreMatch>> found;
        try {
            found = store.findBest(query);
        } catch (RuntimeException e) {
            found = CompletableFuture.failedFuture(e);
        }
        return found.handle((match, error) -> {
            if (error != null) {
                storeErrors.increment();
                warn("semantic cache store ({}) unavailable, request passed on: {}", store.kind(), rootCause(error));
                return new Lookup(null, probe, false);
            }
            if (match.isEmpty()) {
                return new Lookup(null, probe, true);
            }
            try {
                StoredAnswer answer = AnswerCodec.decode(match.get().answer(), probe.partition(), team.encryptionKey());
                return new Lookup(replay(answer, match.get().similarity(), request), probe, true);
            } catch (RuntimeException e) {
                decodeErrors.increment();
                warn("semantic cache entry unreadable, treated as a miss: {}", e.getMessage());
                return new Lookup(null, probe, true);
            }
        });
    }

    private boolean compatible(PromptFeatures query, String encoded) {
        try {
            return query.compatibleWith(PromptFeatures.decode(encoded), settings.guards());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private ChatResult replay(StoredAnswer answer, double similarity, ChatRequest request) {
        long now = clock.millis();
        long ageSeconds = Math.max(0, (now - answer.storedAtMillis()) / 1000);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(SIMILARITY_HEADER, String.format(Locale.ROOT, "%.4f", similarity));
        headers.put(ExactCacheStage.AGE_HEADER, Long.toString(ageSeconds));
        ResultMetadata metadata = new ResultMetadata(answer.provider(), answer.model(), answer.tier(),
                CacheOutcome.SEMANTIC_HIT, headers);
        return Replay.result(answer.completion(), answer.chunks(), request, now / 1000, metadata);
    }

    private ChatResult afterMiss(ChatResult result, Probe probe, SemanticTeamSettings team, boolean record) {
        ChatResult tagged = Replay.withOutcome(result, CacheOutcome.MISS);
        if (!record || tagged.metadata().cache() != CacheOutcome.MISS) {
            return tagged;
        }
        ResultMetadata origin = tagged.metadata();
        return switch (tagged) {
            case ChatResult.Complete complete -> {
                storeLater(probe, team, complete.completion(), null, CachedAnswer.weigh(complete.completion()), origin);
                yield complete;
            }
            case ChatResult.Streaming streaming -> streaming.withChunks(recordStream(streaming.chunks(), probe, team,
                    origin));
        };
    }

    private Flux<ChatChunk> recordStream(Flux<ChatChunk> chunks, Probe probe, SemanticTeamSettings team,
                                         ResultMetadata origin) {
        return StreamRecording.recorded(chunks, settings.maxEntryBytes(), recording -> {
            ChatCompletion aggregate = recording.aggregate();
            storeLater(probe, team, aggregate, recording.chunks(), recording.bytes() + CachedAnswer.weigh(aggregate),
                    origin);
        }, rejected::increment);
    }

    /** Encodes (and encrypts) on a worker, then writes; failures only count. */
    private void storeLater(Probe probe, SemanticTeamSettings team, ChatCompletion completion,
                            List<ChatChunk> chunks, long weight, ResultMetadata origin) {
        if (!CachedAnswer.storable(completion) || weight > settings.maxEntryBytes()) {
            rejected.increment();
            return;
        }
        StoredAnswer answer = new StoredAnswer(completion, chunks, origin.provider(), origin.model(), origin.tier(),
                clock.millis());
        try {
            workers.execute(() -> write(probe, team, answer));
        } catch (RejectedExecutionException e) {
            rejected.increment();
        }
    }

    private void write(Probe probe, SemanticTeamSettings team, StoredAnswer answer) {
        try {
            byte[] bytes = AnswerCodec.encode(answer, probe.partition(), team.encryptionKey());
            StoreEntry entry = new StoreEntry(probe.partition(), UUID.randomUUID().toString(), probe.bands(),
                    probe.vector(), probe.features().encode(), bytes, team.ttl());
            store.put(entry).whenComplete((ignored, error) -> {
                if (error != null) {
                    storeErrors.increment();
                    warn("semantic cache store ({}) could not keep an answer: {}", store.kind(), rootCause(error));
                } else {
                    stores.increment();
                }
            });
        } catch (RuntimeException e) {
            rejected.increment();
            warn("semantic cache could not keep an answer: {}", e.toString());
        }
    }

    /**
     * The text compared: the last message when it is a user message of text only, not blank and at
     * most {@code maxPromptChars} long; else null (the stage steps aside).
     */
    String comparablePrompt(ChatRequest request) {
        List<Message> messages = request.messages();
        if (messages.isEmpty()) {
            return null;
        }
        Message last = messages.getLast();
        if (!"user".equals(last.role()) || last.content() == null) {
            return null;
        }
        if (last.content() instanceof MessageContent.Parts parts) {
            for (ContentPart part : parts.parts()) {
                if (!"text".equals(part.type())) {
                    return null;
                }
            }
        }
        String text = last.text().strip();
        if (text.isEmpty() || text.length() > settings.maxPromptChars()) {
            return null;
        }
        return text;
    }

    private void failed(Throwable error) {
        embedErrors.increment();
        warn("semantic cache skipped, embedding failed: {}", rootCause(error));
    }

    /** A warning at most every ten seconds, with the number of those left out since. */
    private void warn(String format, Object... args) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARN_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
            long suppressed = suppressedWarnings.sumThenReset();
            Object[] withCount = java.util.Arrays.copyOf(args, args.length + 1);
            withCount[args.length] = suppressed;
            log.warn(format + " ({} similar warnings suppressed before)", withCount);
        } else {
            suppressedWarnings.increment();
        }
    }

    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.toString();
    }

    /** Builds a {@link SemanticCacheStage}. */
    public static final class Builder {
        private final SentenceEmbedder embedder;
        private final SemanticStore store;
        private final Executor workers;
        private SemanticCacheSettings settings = SemanticCacheSettings.defaultSettings();
        private RandomHyperplaneLsh lsh;
        private Clock clock = Clock.systemUTC();

        private Builder(SentenceEmbedder embedder, SemanticStore store, Executor workers) {
            this.embedder = requireNonNull(embedder, "embedder");
            this.store = requireNonNull(store, "store");
            this.workers = requireNonNull(workers, "workers");
        }

        public Builder settings(SemanticCacheSettings newSettings) {
            this.settings = requireNonNull(newSettings, "settings");
            return this;
        }

        /** The LSH layout; default {@link RandomHyperplaneLsh#of} the embedder's dimensions. Replicas sharing a store must agree. */
        public Builder lsh(RandomHyperplaneLsh newLsh) {
            this.lsh = requireNonNull(newLsh, "lsh");
            return this;
        }

        /** The wall clock of stored-at times, ages and {@code created} (tests). */
        public Builder clock(Clock newClock) {
            this.clock = requireNonNull(newClock, "clock");
            return this;
        }

        public SemanticCacheStage build() {
            return new SemanticCacheStage(this);
        }
    }
}
