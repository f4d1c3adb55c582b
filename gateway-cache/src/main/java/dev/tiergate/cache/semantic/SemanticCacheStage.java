package dev.tiergate.cache.semantic;

import static java.util.Objects.requireNonNull;

import dev.tiergate.cache.CachedEntrySummary;
import dev.tiergate.cache.internal.CachedAnswer;
import dev.tiergate.cache.internal.Replay;
import dev.tiergate.cache.internal.Sampling;
import dev.tiergate.cache.internal.StreamRecording;
import dev.tiergate.cache.semantic.AnswerCodec.StoredAnswer;
import dev.tiergate.cache.semantic.guard.PromptFeatures;
import dev.tiergate.cache.semantic.lsh.RandomHyperplaneLsh;
import dev.tiergate.cache.semantic.online.OnlineVerifier;
import dev.tiergate.cache.semantic.store.SemanticStore;
import dev.tiergate.cache.semantic.sealing.CacheKeys;
import dev.tiergate.cache.semantic.store.EntryPart;
import dev.tiergate.cache.semantic.store.StoreEntry;
import dev.tiergate.cache.semantic.store.StoredProbe;
import dev.tiergate.cache.semantic.verify.AlignmentFeatures;
import dev.tiergate.cache.semantic.verify.PairVerifier;
import dev.tiergate.cache.semantic.verify.PromptEvidence;
import dev.tiergate.core.embedding.PromptEmbedding;
import dev.tiergate.core.embedding.SentenceEmbedder;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ContentPart;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.MessageContent;
import dev.tiergate.core.logging.RateLimitedWarnings;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.CacheLookup;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.FailurePolicy;
import dev.tiergate.core.pipeline.NamedStage;
import dev.tiergate.core.pipeline.Served;
import dev.tiergate.core.pipeline.StageMeter;
import dev.tiergate.core.pipeline.StageStep;
import dev.tiergate.inference.embedding.TokenEmbedder;
import dev.tiergate.inference.embedding.TokenEmbedding;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * The semantic response cache, after the exact cache. A request whose last message is a user
 * message is answered with an earlier answer when an earlier request had the same context (see
 * {@link ContextFingerprint}: system prompt, earlier turns, tools, response format, model, sampling
 * parameters), was made in the same team namespace, and had a last user message whose embedding is
 * at least the team's threshold similar and which passes every lexical {@link
 * dev.tiergate.cache.semantic.guard.Guard guard} (numbers, negation, ...); with a {@link PairVerifier},
 * the threshold is a floor and the few most similar candidates above it are hits only when the
 * verifier accepts them at the team's precision target (it compares both prompts' token states,
 * the candidates of one lookup in one model call, on the worker that ran the lookup when the store
 * answered there, the in-memory store, else queued for one). Otherwise the request goes
 * on and its answer is recorded, as the exact cache records: plain answers that finished with stop,
 * length or tool_calls; streams as they pass, stored only on clean completion.
 *
 * <p>The embedding runs on the bounded worker executor given to the builder, never on the event
 * loop; when every worker is busy the lookup is shed (outcome {@code shed}), and with a
 * {@linkplain Builder#lookupTimeout lookup timeout} a request whose lookup is not done in time goes
 * on without it (outcome {@code late}; {@link LookupDeadline}); either way the request's cache
 * outcome is a miss (it goes upstream); after a lookup that took more than half
 * the timeout, lookups are shed but one per 100 ms until one keeps up again ({@link LookupAdmission}).
 * Once its embedding is
 * computed, nothing of a lookup is shed: its verification and, after a miss, the write go on (on the
 * {@linkplain Builder#continuing continuing} executor), since the model run was their costly part. The embedding is left
 * in the request's {@code promptEmbedding} fact for the router (and reused when one is there). What
 * the stage did is its {@code semanticCache} fact (a hit with its age and cosine similarity). It
 * fails open: a store that is down or an entry that does not decrypt fails the step, and the
 * pipeline runner skips the stage for that request. Client cache directives: bypass skips it,
 * no-store reads but does not store. Nothing is stored in clear: partitions and LSH buckets are
 * keyed hashes, and the vector, guard features and answer are sealed with AES-GCM under the team's
 * key or the cache-wide one ({@link CacheKeys}); a candidate is compared after it is opened here.
 * With an {@link OnlineVerifier}, each hit served is handed to it (it samples a share of them and
 * checks them in the background) and the team's operating point is the one it has tightened to.
 */
public final class SemanticCacheStage extends NamedStage {
    public static final String NAME = "semantic-cache";
    /** The most candidates above the floor the verifier checks per lookup (the most similar first). */
    static final int MAX_VERIFIED = 4;
    /** While lookups end late, one is still admitted this often, to see whether they keep up again. */
    static final Duration ADMISSION_PROBE_INTERVAL = Duration.ofMillis(100);

    private static final Logger log = LoggerFactory.getLogger(SemanticCacheStage.class);

    private final SentenceEmbedder embedder;
    private final SemanticStore store;
    private final Executor workers;
    private final Executor continuing;
    private final SemanticCacheSettings settings;
    private final RandomHyperplaneLsh lsh;
    private final Clock clock;
    private final LongAdder stores = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder storeErrors = new LongAdder();
    private final RateLimitedWarnings warnings = new RateLimitedWarnings(log, Duration.ofSeconds(10));
    private final Map<SecretKey, CacheKeys> keys = new ConcurrentHashMap<>();
    private final PairVerifier verifier;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final OnlineVerifier online;
    /** How long a request waits for its lookup; null: as long as the lookup takes. */
    private final Duration lookupTimeout;
    /** With a lookup timeout: sheds lookups while the lately admitted ones end late (null without). */
    private final LookupAdmission admission;

    /**
     * What the worker computed for one request; {@code partition} and {@code buckets} are keyed;
     * with a verifier, the prompt's evidence (else null), made from its model run only when a
     * candidate is checked or the entry is written, and then once: a miss without candidates pays
     * nothing for the verifier.
     */
    private record Probe(CacheKeys keys, String namespace, String partition, float[] vector, int[] buckets,
                         PromptFeatures features, EvidenceOnce lazyEvidence) {
        PromptEvidence evidence() {
            return lazyEvidence == null ? null : lazyEvidence.get();
        }
    }

    /** A prompt's verifier evidence, made from its model run when first asked for (the lookup, the write). */
    private static final class EvidenceOnce {
        private final String prompt;
        private final TokenEmbedding run;
        private volatile PromptEvidence made;

        EvidenceOnce(String prompt, TokenEmbedding run) {
            this.prompt = prompt;
            this.run = run;
        }

        PromptEvidence get() {
            PromptEvidence evidence = made;
            if (evidence == null) {   // two threads may both make it: the same value, no harm
                evidence = PromptEvidence.of(prompt, run);
                made = evidence;
            }
            return evidence;
        }
    }

    /**
     * A candidate whose probe opened and passed the floor and the guards; {@code probe} is its opened
     * probe, whose features (its prompt's, as stored) are decoded only when asked for.
     */
    private record Ranked(String id, double similarity, byte[] probe) {
        PromptFeatures features() {
            return EntryProbe.featuresOf(probe);
        }
    }

    private SemanticCacheStage(Builder builder) {
        super(NAME, FailurePolicy.FAIL_OPEN);
        this.embedder = builder.embedder;
        this.store = builder.store;
        this.workers = builder.workers;
        this.continuing = builder.continuing != null ? builder.continuing : builder.workers;
        this.settings = builder.settings;
        this.lsh = builder.lsh != null ? builder.lsh : RandomHyperplaneLsh.of(embedder.dimensions());
        this.clock = builder.clock;
        this.verifier = builder.verifier;
        this.online = builder.online;
        this.lookupTimeout = builder.lookupTimeout;
        this.admission = lookupTimeout == null ? null
                : new LookupAdmission(lookupTimeout.toNanos() / 2, builder.admissionProbeInterval.toNanos());
        if (verifier != null && !(embedder instanceof TokenEmbedder)) {
            throw new IllegalArgumentException("verifier: needs an embedder that gives token states (a TokenEmbedder),"
                    + " got " + embedder.getClass().getName());
        }
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

    public SemanticCacheSettings settings() {
        return settings;
    }

    public SemanticCacheStats stats() {
        return new SemanticCacheStats(stores.sum(), rejected.sum(), storeErrors.sum());
    }

    /** The namespace whose entries {@code teamId} reads and writes. */
    public String namespaceOf(String teamId) {
        return settings.forTeam(teamId).namespaceFor(teamId);
    }

    /** The entries of {@code namespace} (an admin view, at most {@code max}): ids, times and sizes; they stay sealed. */
    public CompletionStage<List<CachedEntrySummary>> entries(String namespace, int max) {
        return store.entries(group(namespace), max).thenApply(found -> found.stream()
                .map(e -> new CachedEntrySummary(NAME, e.id(), namespace, e.storedAt(), e.expiresAt(), e.bytes(),
                        null, null, null))
                .sorted(java.util.Comparator.comparing(CachedEntrySummary::storedAt).reversed())
                .toList());
    }

    /** Removes every entry of {@code namespace}; completes with how many were removed. */
    public CompletionStage<Integer> invalidate(String namespace) {
        return store.invalidate(group(namespace));
    }

    /** Removes the entry {@code id} of {@code namespace}; completes with whether it was there. */
    public CompletionStage<Boolean> invalidate(String namespace, String id) {
        return store.invalidate(group(namespace), id);
    }

    /**
     * The keyed name of a namespace's group in the store, under the key of the teams that use it (teams
     * sharing a namespace share their key); the cache-wide key when no configured team names it.
     */
    private String group(String namespace) {
        java.util.Objects.requireNonNull(namespace, "namespace");
        SemanticTeamSettings owner = settings.defaults();
        for (var team : settings.teams().entrySet()) {
            if (team.getValue().namespaceFor(team.getKey()).equals(namespace)) {
                owner = team.getValue();
                break;
            }
        }
        return groupName(keys.computeIfAbsent(settings.keyFor(owner), CacheKeys::of), namespace);
    }

    private static String groupName(CacheKeys sealing, String namespace) {
        return sealing.partition("namespace\u0000" + namespace);
    }

    @Override
    public List<StageMeter> meters() {
        String stored = "Answers the semantic cache stored or would not keep";
        String verified = "Candidates above the similarity floor the pair verifier accepted or refused";
        List<StageMeter> meters = new ArrayList<>(List.of(
                StageMeter.counter("tiergate.cache.semantic.stores", stored, "outcome", "stored", () -> stores.sum()),
                StageMeter.counter("tiergate.cache.semantic.stores", stored, "outcome", "rejected", () -> rejected.sum()),
                StageMeter.counter("tiergate.cache.semantic.errors", "Semantic cache writes the store failed",
                        "kind", "store", () -> storeErrors.sum()),
                StageMeter.counter("tiergate.cache.semantic.verifier", verified, "decision", "accepted",
                        () -> accepted.sum()),
                StageMeter.counter("tiergate.cache.semantic.verifier", verified, "decision", "refused",
                        () -> refused.sum())));
        if (online != null) {
            meters.addAll(online.meters(settings.teams().keySet().stream()
                    .filter(t -> settings.forTeam(t).enabled()).sorted().toList()));
        }
        return meters;
    }

    @Override
    public CompletionStage<StageStep> before(Exchange exchange) {
        SemanticTeamSettings team = settings.forTeam(exchange.caller().teamId());
        if (!team.enabled()) {
            return StageStep.proceed(exchange, "off");
        }
        ChatRequest request = exchange.chat();
        if (exchange.cacheDirectives().bypass()
                || (!settings.cacheNonDeterministic() && Sampling.samples(request))) {
            exchange.facts().semanticCache().set(CacheLookup.bypass());
            return StageStep.proceed(exchange, "bypass");
        }
        String prompt = comparablePrompt(request);
        if (prompt == null) {
            return StageStep.proceed(exchange, "skipped");
        }
        String namespace = team.namespaceFor(exchange.caller().teamId());
        CacheKeys teamKeys = keys.computeIfAbsent(settings.keyFor(team), CacheKeys::of);
        long start = System.nanoTime();
        if (admission != null && !admission.admit(start)) {
            // the lookups lately ended late: the lane is starved of CPU, this one would be too
            return CompletableFuture.completedFuture(withoutLookup(exchange, "shed"));
        }
        LookupDeadline deadline = new LookupDeadline();
        Executor lane = lookupTimeout == null ? workers : deadline.gate(workers);
        CompletableFuture<Probe> probe;
        try {
            probe = needsModelRun(exchange) && embedder instanceof TokenEmbedder model
                    // the model run is batched with other requests' when the embedder batches
                    ? model.embedTokensAsync(prompt, lane)
                            .thenApply(run -> probe(exchange, prompt, namespace, teamKeys, run))
                    : CompletableFuture.supplyAsync(() -> probe(exchange, prompt, namespace, teamKeys, null), lane);
        } catch (RejectedExecutionException e) {
            // Load shedding, not a failure: the lookup is skipped rather than queued behind model runs.
            return CompletableFuture.completedFuture(withoutLookup(exchange, "shed"));
        }
        boolean record = !exchange.cacheDirectives().noStore() && team.ttl().isPositive();
        CompletableFuture<StageStep> looked = probe.thenCompose(p -> lookup(p, team, exchange, record, deadline));
        if (lookupTimeout != null) {
            // Past the deadline the request goes on as if the lookup had been shed; the lookup, if it
            // still runs, then touches nothing of the request (LookupDeadline). The timer runs on the
            // request's event loop and is cancelled when the lookup settles first (the usual case),
            // so it neither wakes a thread nor holds the request for the rest of the timeout.
            ScheduledFuture<?> timer = exchange.executor().schedule(() -> {
                if (deadline.expire()) {
                    // the lookup, if it still runs, can no longer decide: this is the request's only outcome
                    looked.complete(withoutLookup(exchange, "late"));
                }
            }, lookupTimeout.toNanos(), TimeUnit.NANOSECONDS);
            // what the lookup took is known to the admission before the request goes on (and the
            // next request asks it): the stage's step completes after the callback has run
            return looked.whenComplete((step, error) -> {
                timer.cancel(false);
                admission.took(System.nanoTime() - start);
            });
        }
        return looked;
    }

    /**
     * The request goes on without a lookup's answer (shed under load, or late): for it a miss, as it
     * goes upstream, so its {@code x-tiergate-cache} says {@code miss} also when the exact cache is
     * off; the step's outcome ({@code shed}, {@code late}) says why in the stage's metrics.
     */
    private static StageStep withoutLookup(Exchange exchange, String outcome) {
        exchange.facts().semanticCache().set(CacheLookup.miss());
        return new StageStep.Proceed(exchange, null, outcome);
    }

    /** Whether this request needs its own model run: for the verifier's token states, or no usable vector yet. */
    private boolean needsModelRun(Exchange exchange) {
        PromptEmbedding embedding = exchange.facts().promptEmbedding().get();
        return verifier != null || embedding == null || !embedding.modelId().equals(embedder.modelId());
    }

    /**
     * On a worker (or the batch's thread): the embedding (the given run, the request's fact, or a
     * run here), keyed buckets and partition, features.
     */
    private Probe probe(Exchange exchange, String prompt, String namespace, CacheKeys teamKeys, TokenEmbedding run) {
        PromptEmbedding embedding = exchange.facts().promptEmbedding().get();
        if (run != null) {
            // One model run gives the vector and the token states the verifier compares.
            embedding = exchange.facts().promptEmbedding().setIfAbsent(new PromptEmbedding(embedder.modelId(),
                    run.vector()));
            if (!embedding.modelId().equals(embedder.modelId())) {
                embedding = new PromptEmbedding(embedder.modelId(), run.vector());
            }
        } else if (embedding == null || !embedding.modelId().equals(embedder.modelId())) {
            embedding = exchange.facts().promptEmbedding().setIfAbsent(
                    new PromptEmbedding(embedder.modelId(), embedder.embed(prompt)));
        }
        float[] vector = embedding.vector();
        String partition = ContextFingerprint.partition(namespace, embedder.modelId(), lsh.layout(),
                ContextFingerprint.of(exchange));
        return new Probe(teamKeys, namespace, teamKeys.partition(partition), vector,
                teamKeys.buckets(lsh.bands(vector)),
                PromptFeatures.of(prompt), verifier == null ? null : new EvidenceOnce(prompt, run));
    }

    /** A store that fails here fails the stage (the runner skips it: no hit, nothing recorded). */
    private CompletionStage<StageStep> lookup(Probe probe, SemanticTeamSettings team, Exchange exchange,
                                              boolean record, LookupDeadline deadline) {
        return store.candidates(probe.partition(), probe.buckets(), settings.maxCandidates())
                .thenCompose(found -> {
                    String teamId = exchange.caller().teamId();
                    List<Ranked> ranked = rank(probe, found, verifier != null || online == null ? team.threshold()
                            : online.cosineThreshold(teamId, team.threshold()));
                    if (ranked.isEmpty()) {
                        // No candidate above the floor: no verifier run, no further read.
                        return CompletableFuture.completedFuture(miss(exchange, probe, team, record, deadline));
                    }
                    CompletionStage<Ranked> chosen = verifier == null
                            ? CompletableFuture.completedFuture(ranked.getFirst())
                            : verified(probe, ranked, operatingPoint(teamId, team));
                    return chosen.thenCompose(best -> best == null
                            ? CompletableFuture.completedFuture(miss(exchange, probe, team, record, deadline))
                            : store.read(probe.partition(), List.of(best.id()), EntryPart.ANSWER)
                                    .thenApply(parts -> parts.getFirst() == null
                                            ? miss(exchange, probe, team, record, deadline)
                                            : hit(exchange, probe, best, parts.getFirst(), deadline)));
                });
    }

    /**
     * The most similar candidates' evidence, read in one round trip, each judged by the verifier;
     * the one it finds likeliest at or above the team's operating point, or null.
     */
    private CompletionStage<Ranked> verified(Probe probe, List<Ranked> ranked, double operatingPoint) {
        List<Ranked> checked = ranked.subList(0, Math.min(MAX_VERIFIED, ranked.size()));
        List<String> ids = checked.stream().map(Ranked::id).toList();
        // On the worker the lookup is on (the in-memory store answers at once), else queued for one (Lettuce's
        // I/O thread answers for Redis); not shed: the model run this lookup needed is already paid for.
        return store.read(probe.partition(), ids, EntryPart.EVIDENCE).thenApplyAsync(parts -> {
            String context = context(probe, EntryPart.EVIDENCE);
            List<Ranked> opened = new ArrayList<>(checked.size());
            List<AlignmentFeatures.Side> sides = new ArrayList<>(checked.size());
            for (int i = 0; i < checked.size(); i++) {
                byte[] sealed = parts.get(i);
                if (sealed == null || sealed.length == 0) {
                    continue;   // gone, or stored without a verifier: nothing to compare
                }
                try {
                    // the stored features are PromptFeatures.of the stored prompt: not computed again
                    sides.add(AlignmentFeatures.Side.of(PromptEvidence.fromBytes(probe.keys().open(sealed, context)),
                            checked.get(i).features()));
                    opened.add(checked.get(i));
                } catch (IllegalArgumentException e) {
                    // another key's entry or a damaged one
                }
            }
            if (opened.isEmpty()) {
                return null;
            }
            double[] cosines = opened.stream().mapToDouble(Ranked::similarity).toArray();
            double[] probabilities = verifier.probabilities(
                    AlignmentFeatures.Side.of(probe.evidence(), probe.features()), sides, cosines);
            Ranked best = null;
            double bestProbability = -1;
            for (int i = 0; i < opened.size(); i++) {
                if (probabilities[i] >= operatingPoint) {
                    accepted.increment();
                    if (probabilities[i] > bestProbability) {
                        best = opened.get(i);
                        bestProbability = probabilities[i];
                    }
                } else {
                    refused.increment();
                }
            }
            return best;
        }, continuing);
    }

    /** The verifier's threshold for the team: from its precision target, as online verification may have tightened it. */
    private double operatingPoint(String teamId, SemanticTeamSettings team) {
        return online == null ? verifier.operatingPoint(team.precisionTarget())
                : online.verifierThreshold(teamId, team.precisionTarget());
    }

    /** The candidates whose probe opens with the team's key, at or above the floor, passing the guards; best first. */
    private List<Ranked> rank(Probe probe, List<StoredProbe> found, double floor) {
        List<Ranked> ranked = new ArrayList<>(found.size());
        String context = context(probe, EntryPart.PROBE);
        boolean guarded = !settings.guards().isEmpty();
        for (StoredProbe candidate : found) {
            byte[] opened;
            double similarity;
            try {
                opened = probe.keys().open(candidate.probe(), context);
                // compared in place: no vector copied out of the opened bytes
                similarity = EntryProbe.cosine(probe.vector(), opened);
            } catch (IllegalArgumentException e) {
                continue;   // another key's entry (a shared namespace with different keys) or a damaged one
            }
            if (!(similarity >= floor)) {
                continue;   // under the floor, or a vector of another length (NaN)
            }
            Ranked above = new Ranked(candidate.id(), similarity, opened);
            if (!guarded || compatible(probe, above)) {
                ranked.add(above);
            }
        }
        ranked.sort(Comparator.comparingDouble(Ranked::similarity).reversed());
        return ranked;
    }

    private boolean compatible(Probe probe, Ranked candidate) {
        try {
            return probe.features().compatibleWith(candidate.features(), settings.guards());
        } catch (IllegalArgumentException e) {
            return false;   // damaged features
        }
    }

    private StageStep miss(Exchange exchange, Probe probe, SemanticTeamSettings team, boolean record,
                           LookupDeadline deadline) {
        if (!deadline.decide()) {
            return new StageStep.Proceed(exchange, null, "late");   // the request went on without it: touch nothing
        }
        exchange.facts().semanticCache().set(CacheLookup.miss());
        return new StageStep.Proceed(exchange, record ? answer -> afterMiss(answer, exchange, probe, team) : null,
                "miss");
    }

    private StageStep hit(Exchange exchange, Probe probe, Ranked best, byte[] sealedAnswer, LookupDeadline deadline) {
        if (!deadline.decide()) {
            return new StageStep.Proceed(exchange, null, "late");
        }
        StoredAnswer answer = AnswerCodec.decode(probe.keys().open(sealedAnswer, context(probe, EntryPart.ANSWER)));
        long now = clock.millis();
        long ageSeconds = Math.max(0, (now - answer.storedAtMillis()) / 1000);
        exchange.facts().semanticCache().set(CacheLookup.semanticHit(ageSeconds, best.similarity()));
        exchange.facts().served().set(Served.fromCache(answer.provider(), answer.model(), answer.tier()));
        if (online != null) {
            online.served(exchange, answer.completion());
        }
        return new StageStep.Respond(Replay.answer(answer.completion(), answer.chunks(), exchange.chat(), now / 1000),
                "hit");
    }

    /** The associated data of a sealed part: the keyed partition and the part, so no part can be moved. */
    private static String context(Probe probe, EntryPart part) {
        return probe.partition() + ":" + part.field();
    }

    private Answer afterMiss(Answer answer, Exchange exchange, Probe probe, SemanticTeamSettings team) {
        Served origin = exchange.facts().served().get();
        if (origin == null || origin.fromCache()) {
            return answer;
        }
        return switch (answer) {
            case Answer.Complete complete -> {
                storeLater(probe, team, complete.completion(), null, CachedAnswer.weigh(complete.completion()), origin);
                yield complete;
            }
            case Answer.Stream stream -> stream.withChunks(recordStream(stream.chunks(), probe, team, origin));
            case Answer.Embeddings embeddings -> embeddings;
        };
    }

    private Flux<ChatChunk> recordStream(Flux<ChatChunk> chunks, Probe probe, SemanticTeamSettings team,
                                         Served origin) {
        return StreamRecording.recorded(chunks, settings.maxEntryBytes(), recording -> {
            ChatCompletion aggregate = recording.aggregate();
            storeLater(probe, team, aggregate, recording.chunks(), recording.bytes() + CachedAnswer.weigh(aggregate),
                    origin);
        }, rejected::increment);
    }

    /** Encodes (and encrypts) on a worker (queued, not shed), then writes; failures only count. */
    private void storeLater(Probe probe, SemanticTeamSettings team, ChatCompletion completion,
                            List<ChatChunk> chunks, long weight, Served origin) {
        if (!CachedAnswer.storable(completion) || weight > settings.maxEntryBytes()) {
            rejected.increment();
            return;
        }
        StoredAnswer answer = new StoredAnswer(completion, chunks, origin.provider(), origin.model(), origin.tier(),
                clock.millis());
        try {
            // not shed: the prompt's model run, the costly part of an entry, is already paid for
            continuing.execute(() -> write(probe, team, answer));
        } catch (RejectedExecutionException e) {
            rejected.increment();
        }
    }

    private void write(Probe probe, SemanticTeamSettings team, StoredAnswer answer) {
        try {
            CacheKeys sealing = probe.keys();
            byte[] sealedProbe = sealing.seal(new EntryProbe(probe.vector(), probe.features()).toBytes(),
                    context(probe, EntryPart.PROBE));
            byte[] sealedAnswer = sealing.seal(AnswerCodec.encode(answer), context(probe, EntryPart.ANSWER));
            PromptEvidence evidence = probe.evidence();
            byte[] sealedEvidence = evidence == null ? new byte[0]
                    : sealing.seal(evidence.toBytes(), context(probe, EntryPart.EVIDENCE));
            StoreEntry entry = new StoreEntry(probe.partition(), UUID.randomUUID().toString(), probe.buckets(),
                    sealedProbe, sealedEvidence, sealedAnswer, team.ttl(), groupName(probe.keys(), probe.namespace()));
            store.put(entry).whenComplete((ignored, error) -> {
                if (error != null) {
                    storeErrors.increment();
                    warnings.warn("store", "semantic cache store ({}) could not keep an answer: {}", store.kind(),
                            rootCause(error));
                } else {
                    stores.increment();
                }
            });
        } catch (RuntimeException e) {
            rejected.increment();
            warnings.warn("encode", "semantic cache could not keep an answer: {}", e.toString());
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
        private Executor continuing;
        private SemanticCacheSettings settings = SemanticCacheSettings.defaultSettings();
        private RandomHyperplaneLsh lsh;
        private Clock clock = Clock.systemUTC();
        private PairVerifier verifier;
        private OnlineVerifier online;
        private Duration lookupTimeout;
        private Duration admissionProbeInterval = ADMISSION_PROBE_INTERVAL;

        private Builder(SentenceEmbedder embedder, SemanticStore store, Executor workers) {
            this.embedder = requireNonNull(embedder, "embedder");
            this.store = requireNonNull(store, "store");
            this.workers = requireNonNull(workers, "workers");
        }

        /**
         * Where the rest of a lookup whose model run is done (reading and verifying candidates the
         * store answered with on another thread) and a miss's write run: work not to be shed, since
         * shedding it would throw the model run away ({@code InferenceWorkers.continuingExecutor()}:
         * on the worker already running the lookup, else queued). Default: the workers.
         */
        public Builder continuing(Executor executor) {
            this.continuing = requireNonNull(executor, "continuing");
            return this;
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

        /**
         * A pair verifier: candidates at or above the team's {@code threshold} (then a floor) are
         * hits only when it accepts them at the team's precision target. Needs a {@link TokenEmbedder}.
         * Entries then keep their prompt's {@link PromptEvidence} (sealed), which the verifier compares.
         */
        public Builder verifier(PairVerifier newVerifier) {
            this.verifier = requireNonNull(newVerifier, "verifier");
            return this;
        }

        /**
         * Online verification: each hit served is handed to it, and the team's operating point
         * (verifier threshold, or cosine threshold without a verifier) is the one it tightened to.
         */
        public Builder online(OnlineVerifier newOnline) {
            this.online = requireNonNull(newOnline, "online");
            return this;
        }

        /**
         * How long a request waits for its lookup (embedding, candidates, verification); past it the
         * request goes on as if the lookup had been shed (outcome {@code late}: no hit, nothing
         * stored), and a lookup not yet started is not run. Default: no deadline.
         */
        public Builder lookupTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("lookupTimeout: " + timeout + " (expected: > 0)");
            }
            this.lookupTimeout = timeout;
            return this;
        }

        /** While lookups end late, how often one is still admitted; default {@link #ADMISSION_PROBE_INTERVAL}. */
        Builder admissionProbeInterval(Duration interval) {
            this.admissionProbeInterval = requireNonNull(interval, "admissionProbeInterval");
            return this;
        }

        public SemanticCacheStage build() {
            return new SemanticCacheStage(this);
        }
    }
}
