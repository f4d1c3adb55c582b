package dev.tiergate.router.learning;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One team's view of the shared bandit state on this replica: a snapshot of its reward sums and
 * serving policy that decisions read without waiting, read again from the store at most once per
 * refresh interval (in the background). After each read it asks {@link PolicyLearner} for the next
 * policy and promotes it in the store when the off-policy estimate supports it.
 */
final class TeamLearner {
    private static final Logger log = LoggerFactory.getLogger(TeamLearner.class);

    private final String team;
    private final RewardStore store;
    private final Clock clock;
    private final long refreshMillis;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final ExplorationSchedule schedule = new ExplorationSchedule(
            java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    private volatile Snapshot snapshot = new Snapshot(TeamStats.EMPTY, PolicyTable.STATIC, 0);

    /** The state decisions read. */
    record Snapshot(TeamStats stats, PolicyTable serving, long readAtMillis) {
    }

    TeamLearner(String team, RewardStore store, Clock clock, long refreshMillis) {
        this.team = requireNonNull(team, "team");
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.refreshMillis = refreshMillis;
    }

    /** The current snapshot; starts a background read when it is older than the refresh interval. */
    Snapshot snapshot(TeamLearning settings) {
        Snapshot current = snapshot;
        if (clock.millis() - current.readAtMillis() >= refreshMillis) {
            refresh(settings);
        }
        return current;
    }

    /** Reads the shared state now (unless a read is under way) and promotes a supported policy. */
    CompletionStage<Snapshot> refresh(TeamLearning settings) {
        if (!refreshing.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(snapshot);
        }
        CompletionStage<Snapshot> read = store.stats(team).thenCombine(store.serving(team),
                (stats, serving) -> new Snapshot(stats, serving, clock.millis()));
        return read.thenCompose(fresh -> promote(fresh, settings)).whenComplete((fresh, error) -> {
            if (error != null) {
                log.warn("team {}: cannot read the learning state: {}", team, error.toString());
                snapshot = new Snapshot(snapshot.stats(), snapshot.serving(), clock.millis());
            } else {
                snapshot = fresh;
            }
            refreshing.set(false);
        });
    }

    private CompletionStage<Snapshot> promote(Snapshot fresh, TeamLearning settings) {
        if (fresh.stats().explicit() == 0) {
            return CompletableFuture.completedFuture(fresh);
        }
        OffPolicyEstimate estimate = estimate(fresh.stats(), settings);
        PolicyTable next = PolicyLearner.next(estimate, fresh.serving(), settings);
        if (next == fresh.serving()) {
            return CompletableFuture.completedFuture(fresh);
        }
        return store.promote(team, next).thenCompose(promoted -> {
            if (promoted) {
                log.info("team {}: learned policy v{} serves ({} cells off the static router), estimated gain {}",
                        team, next.version(), next.switches().size(),
                        estimate.difference(next, fresh.serving()).mean());
                return CompletableFuture.completedFuture(new Snapshot(fresh.stats(), next, fresh.readAtMillis()));
            }
            return store.serving(team).thenApply(s -> new Snapshot(fresh.stats(), s, fresh.readAtMillis()));
        });
    }

    /** Whether this team's next learnable request (on this replica) explores. */
    boolean exploreTurn(double rate) {
        return schedule.next(rate);
    }

    OffPolicyEstimate estimate(TeamStats stats, TeamLearning settings) {
        return new OffPolicyEstimate(stats, settings);
    }
}
