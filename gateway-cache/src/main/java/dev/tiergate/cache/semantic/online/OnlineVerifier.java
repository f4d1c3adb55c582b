package dev.tiergate.cache.semantic.online;

import static java.util.Objects.requireNonNull;

import dev.tiergate.cache.semantic.SemanticCacheSettings;
import dev.tiergate.cache.semantic.online.OnlineCheckState.Skip;
import dev.tiergate.cache.semantic.online.OnlineCheckState.TeamChecks;
import dev.tiergate.cache.semantic.verify.PairVerifier;
import dev.tiergate.core.embedding.SentenceEmbedder;
import dev.tiergate.core.error.RateLimitedError;
import dev.tiergate.core.logging.RateLimitedWarnings;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.StageMeter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online verification of semantic hits. After a hit is served, a share of them (per team) is asked
 * again of the provider in the background ({@link ShadowCalls}); the fresh answer is compared with
 * the served one ({@link AnswerJudge}, on the model workers), each comparison goes into the team's
 * running false-hit estimate ({@link FalseHitEstimator}, a Wilson interval over its last checks),
 * and when the interval's lower bound exceeds the team's tolerated rate (after enough checks) the
 * team's operating point is tightened one step ({@link OperatingPointTightener}), logged once per
 * change at WARN, and the window starts again.
 *
 * <p>A client never waits for any of it: the shadow call starts after the hit is handed back (a
 * task queued on the request's event loop), at most {@code max-concurrent} are in flight at once
 * (a sampled hit past that is skipped as {@code busy}), and each has its own deadline. A shadow
 * call the team's limits or budget refuse is skipped ({@code limits}); one that fails is counted
 * ({@code failed}). Nothing here logs or keeps prompt or answer text.
 */
public final class OnlineVerifier {
    private static final Logger log = LoggerFactory.getLogger(OnlineVerifier.class);

    private final OnlineVerificationSettings settings;
    private final SemanticCacheSettings cacheSettings;
    private final PairVerifier verifier;
    private final OnlineCheckState state;
    private final ShadowCalls calls;
    private final AnswerJudge judge;
    private final ShadowSampler sampler;
    private final Executor workers;
    private final RateLimitedWarnings warnings = new RateLimitedWarnings(log, Duration.ofSeconds(10));
    /** Stepped verifier thresholds by configured target and level (a handful). */
    private final java.util.Map<String, Double> thresholds = new java.util.concurrent.ConcurrentHashMap<>();

    private OnlineVerifier(Builder b) {
        this.settings = b.settings;
        this.cacheSettings = b.cacheSettings;
        this.verifier = b.verifier;
        this.state = b.state;
        this.calls = b.calls;
        this.workers = b.workers;
        this.sampler = new ShadowSampler(b.random);
        this.judge = new AnswerJudge(b.embedder, b.verifier, b.settings.answerSimilarity());
        if (!state.fits(settings)) {
            throw new IllegalArgumentException("state: made for another window or max-concurrent than the settings");
        }
    }

    /**
     * {@code embedder}: the semantic cache's (a token embedder when there is a {@code verifier}, which
     * may be null); {@code workers}: the executor the answers are embedded on (the cache's shedding one).
     */
    public static Builder builder(OnlineVerificationSettings settings, SemanticCacheSettings cacheSettings,
                                  SentenceEmbedder embedder, OnlineCheckState state, ShadowCalls calls,
                                  Executor workers) {
        return new Builder(settings, cacheSettings, embedder, state, calls, workers);
    }

    public OnlineVerificationSettings settings() {
        return settings;
    }

    /**
     * After {@code hit} was answered with {@code served} from the cache: samples it and, when
     * chosen, checks it in the background. Returns at once.
     */
    public void served(Exchange hit, ChatCompletion served) {
        String team = hit.caller().teamId();
        if (!sampler.sample(settings.shareOf(team))) {
            return;
        }
        TeamChecks checks = state.team(team);
        if (!state.tryAcquire()) {
            checks.skipped.get(Skip.BUSY).increment();
            return;
        }
        try {
            // queued behind the task that hands the hit back to the client
            hit.executor().execute(() -> shadow(hit, served, checks));
        } catch (RejectedExecutionException e) {
            state.release();
            checks.skipped.get(Skip.BUSY).increment();
        }
    }

    private void shadow(Exchange hit, ChatCompletion served, TeamChecks checks) {
        CompletionStage<ChatCompletion> fresh;
        try {
            fresh = calls.ask(hit, settings.timeout());
        } catch (RuntimeException e) {
            fresh = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        fresh.thenApplyAsync(answer -> judge.judge(text(served), text(answer)), workers)
                .whenComplete((verdict, error) -> {
                    state.release();
                    if (error != null) {
                        skipped(hit, checks, error);
                    } else {
                        checked(hit.caller().teamId(), checks, verdict.differ());
                    }
                });
    }

    private void skipped(Exchange hit, TeamChecks checks, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof RateLimitedError) {
            checks.skipped.get(Skip.LIMITS).increment();
        } else if (cause instanceof RejectedExecutionException) {
            checks.skipped.get(Skip.BUSY).increment();
        } else {
            checks.skipped.get(Skip.FAILED).increment();
            warnings.warn("shadow", "online verification: a shadow call for request {} failed: {}", hit.requestId(),
                    cause.toString());
        }
    }

    /** One check of {@code team}: into its estimate, and a tightening when the lower bound is past the tolerated rate. */
    void checked(String team, TeamChecks checks, boolean falseHit) {
        WilsonInterval interval = checks.estimator.record(falseHit);
        double tolerated = settings.toleratedOf(team);
        if (OperatingPointTightener.due(interval, tolerated, settings.minChecks())) {
            int level = state.tightener().tighten(team, settings.maxTightenings());
            if (level > 0) {
                checks.estimator.restart();
                log.warn("online verification: team {} false-hit rate {} (95% interval {}-{}, {} of {} checks) is above"
                                + " its tolerated {}: operating point tightened to step {} of {} ({})", team,
                        round(interval.estimate()), round(interval.lower()), round(interval.upper()),
                        interval.failures(), interval.trials(), round(tolerated), level, settings.maxTightenings(),
                        describe(team));
            }
        }
        // counted last: a check that is counted has been acted on
        if (falseHit) {
            checks.falseHits.increment();
        }
        checks.checks.increment();
    }

    /** The team's operating point as it stands, in words (for the log). */
    private String describe(String team) {
        return verifier != null
                ? "precision target " + round(precisionTarget(team, cacheSettings.forTeam(team).precisionTarget()))
                        + " or above, verifier threshold " + round(operatingPoint(team))
                : "cosine threshold " + round(operatingPoint(team));
    }

    /** The precision target the team's verifier threshold is read for: its own, tightened by its level. */
    public double precisionTarget(String team, double configured) {
        return OperatingPointTightener.precisionTarget(configured, state.tightener().level(team));
    }

    /** The team's cosine threshold without a verifier: its own, tightened by its level. */
    public double cosineThreshold(String team, double configured) {
        return OperatingPointTightener.cosineThreshold(configured, state.tightener().level(team));
    }

    /**
     * The verifier's threshold for {@code team} whose configured precision target is {@code configured}:
     * at level 0 the calibrated point of that target; each level halves the tolerated false-hit share
     * of the target and takes its calibrated point, or, when the curve gives the same threshold for
     * it, the next higher threshold on the curve (so every step raises it, until nothing is left).
     */
    public double verifierThreshold(String team, double configured) {
        int level = state.tightener().level(team);
        return level == 0 ? verifier.operatingPoint(configured)
                : thresholds.computeIfAbsent(configured + "@" + level, key -> steppedThreshold(configured, level));
    }

    private double steppedThreshold(double configured, int level) {
        double threshold = verifier.operatingPoint(configured);
        for (int k = 1; k <= level; k++) {
            double target = OperatingPointTightener.precisionTarget(configured, k);
            double next = verifier.operatingPoint(target);
            // the same point: the next higher threshold the curve offers, looked up by raising the target
            for (double higher = target; next <= threshold && higher < 1; higher = Math.min(1, higher + 0.0005)) {
                next = verifier.operatingPoint(higher);
            }
            threshold = Math.max(threshold, next);
        }
        return threshold;
    }

    /** The team's operating point now: the verifier's probability threshold, else the cosine threshold. */
    public double operatingPoint(String team) {
        var teamSettings = cacheSettings.forTeam(team);
        return verifier != null
                ? verifierThreshold(team, teamSettings.precisionTarget())
                : cosineThreshold(team, teamSettings.threshold());
    }

    /** What {@code /v1/usage} shows of a team's online verification. */
    public TeamReport report(String team) {
        TeamChecks checks = state.team(team);
        return new TeamReport(settings.shareOf(team), checks.checks.sum(), checks.falseHits.sum(),
                checks.skipped.get(Skip.BUSY).sum(), checks.skipped.get(Skip.LIMITS).sum(),
                checks.skipped.get(Skip.FAILED).sum(), checks.estimator.interval(), settings.toleratedOf(team),
                state.tightener().level(team), settings.maxTightenings(), operatingPoint(team),
                verifier != null ? "verifier-threshold" : "cosine-threshold");
    }

    /**
     * One team's online verification: share checked, checks made and found false since start, sampled
     * hits skipped by reason, the estimate over the current window, the tolerated rate, the
     * tightening level (of at most {@code maxTightenings}) and the operating point it gives.
     */
    public record TeamReport(double share, long checks, long falseHits, long skippedBusy, long skippedLimits,
                             long failed, WilsonInterval falseHitRate, double tolerated, int tightenings,
                             int maxTightenings, double operatingPoint, String operatingPointKind) {
    }

    /** Metrics per team of {@code teams} (the config's, fixed labels): counts, the estimate and its bounds, the operating point. */
    public List<StageMeter> meters(Collection<String> teams) {
        List<StageMeter> meters = new ArrayList<>();
        for (String team : teams) {
            TeamChecks c = state.team(team);
            meters.add(counter("tiergate.cache.semantic.online.checks", "Served semantic hits checked against a"
                    + " fresh provider answer", team, () -> c.checks.sum()));
            meters.add(counter("tiergate.cache.semantic.online.false.hits", "Checked semantic hits whose fresh answer"
                    + " differed from the served one", team, () -> c.falseHits.sum()));
            for (Skip skip : Skip.values()) {
                meters.add(counter("tiergate.cache.semantic.online.skipped." + skip.label(), "Semantic hits sampled"
                        + " for a check but not checked (" + skip.label() + ")", team, () -> c.skipped.get(skip).sum()));
            }
            meters.add(gauge("tiergate.cache.semantic.online.false.hit.rate", "Estimated false-hit rate over the"
                    + " team's last checks", team, () -> c.estimator.interval().estimate()));
            meters.add(gauge("tiergate.cache.semantic.online.false.hit.rate.lower", "Lower bound of the 95% Wilson"
                    + " interval of the false-hit rate", team, () -> c.estimator.interval().lower()));
            meters.add(gauge("tiergate.cache.semantic.online.false.hit.rate.upper", "Upper bound of the 95% Wilson"
                    + " interval of the false-hit rate", team, () -> c.estimator.interval().upper()));
            meters.add(gauge("tiergate.cache.semantic.online.tightenings", "Steps the team's operating point was"
                    + " tightened by online verification", team, () -> state.tightener().level(team)));
            meters.add(gauge("tiergate.cache.semantic.online.operating.point", "The team's operating point: the"
                    + " verifier's probability threshold (or the cosine threshold without it)", team,
                    () -> operatingPoint(team)));
        }
        meters.add(new StageMeter("tiergate.cache.semantic.online.in.flight", "Shadow calls of online verification"
                + " in flight", StageMeter.Kind.GAUGE, null, null, state::inFlight));
        return meters;
    }

    private static StageMeter counter(String name, String description, String team,
                                      java.util.function.DoubleSupplier value) {
        return new StageMeter(name, description, StageMeter.Kind.COUNTER, "team", team, value);
    }

    private static StageMeter gauge(String name, String description, String team,
                                    java.util.function.DoubleSupplier value) {
        return new StageMeter(name, description, StageMeter.Kind.GAUGE, "team", team, value);
    }

    private static String text(ChatCompletion completion) {
        StringBuilder text = new StringBuilder();
        for (ChatCompletion.Choice choice : completion.choices()) {
            if (choice.message() != null && choice.message().text() != null) {
                text.append(choice.message().text());
            }
        }
        return text.toString();
    }

    private static String round(double value) {
        return String.format(java.util.Locale.ROOT, "%.4f", value);
    }

    /** Builds an {@link OnlineVerifier}. */
    public static final class Builder {
        private final OnlineVerificationSettings settings;
        private final SemanticCacheSettings cacheSettings;
        private final SentenceEmbedder embedder;
        private final OnlineCheckState state;
        private final ShadowCalls calls;
        private final Executor workers;
        private PairVerifier verifier;
        private RandomGenerator random = RandomGenerator.getDefault();

        private Builder(OnlineVerificationSettings settings, SemanticCacheSettings cacheSettings,
                        SentenceEmbedder embedder, OnlineCheckState state, ShadowCalls calls, Executor workers) {
            this.settings = requireNonNull(settings, "settings");
            this.cacheSettings = requireNonNull(cacheSettings, "cacheSettings");
            this.embedder = requireNonNull(embedder, "embedder");
            this.state = requireNonNull(state, "state");
            this.calls = requireNonNull(calls, "calls");
            this.workers = requireNonNull(workers, "workers");
        }

        /** The pair verifier of the cache (absent: cosine thresholds, and answers judged by cosine only). */
        public Builder verifier(PairVerifier newVerifier) {
            this.verifier = newVerifier;
            return this;
        }

        /** Where the sampling draws from (tests). */
        public Builder random(RandomGenerator newRandom) {
            this.random = requireNonNull(newRandom, "random");
            return this;
        }

        public OnlineVerifier build() {
            return new OnlineVerifier(this);
        }
    }
}
