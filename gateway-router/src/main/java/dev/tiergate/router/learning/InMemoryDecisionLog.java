package dev.tiergate.router.learning;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The decision log of a gateway without Redis: decisions expire after the TTL, and a team keeps at
 * most {@code maxPerTeam} of them (the oldest go first); claims go with their decision, and at most
 * {@code maxPerTeam} fingerprints per team are remembered. One lock; every operation is O(1) amortised.
 */
public final class InMemoryDecisionLog implements DecisionLog {
    private final Duration ttl;
    private final int maxPerTeam;
    private final Clock clock;
    private final Map<String, Entry> decisions = new HashMap<>();
    private final Map<String, ArrayDeque<String>> byTeam = new HashMap<>();
    private final Map<String, LinkedHashMap<String, Stamped>> fingerprints = new HashMap<>();

    private record Entry(LoggedDecision decision, long expiresAt, java.util.Set<String> claims) {
    }

    private record Stamped(String requestId, long expiresAt) {
    }

    public InMemoryDecisionLog(Duration ttl, int maxPerTeam, Clock clock) {
        this.ttl = requireNonNull(ttl, "ttl");
        if (maxPerTeam < 1) {
            throw new IllegalArgumentException("maxPerTeam: " + maxPerTeam + " (expected: >= 1)");
        }
        this.maxPerTeam = maxPerTeam;
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public synchronized CompletionStage<Void> record(LoggedDecision decision) {
        long now = clock.millis();
        ArrayDeque<String> queue = byTeam.computeIfAbsent(decision.team(), t -> new ArrayDeque<>());
        while (!queue.isEmpty()) {
            Entry oldest = decisions.get(queue.peekFirst());
            if (queue.size() >= maxPerTeam || oldest == null || oldest.expiresAt() <= now) {
                decisions.remove(queue.pollFirst());
            } else {
                break;
            }
        }
        decisions.put(decision.requestId(), new Entry(decision, now + ttl.toMillis(), new java.util.HashSet<>()));
        queue.addLast(decision.requestId());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<LoggedDecision> find(String requestId) {
        Entry entry = live(requestId);
        return CompletableFuture.completedFuture(entry == null ? null : entry.decision());
    }

    @Override
    public synchronized CompletionStage<Boolean> claim(String requestId, String kind) {
        Entry entry = live(requestId);
        return CompletableFuture.completedFuture(entry != null && entry.claims().add(kind));
    }

    @Override
    public synchronized CompletionStage<String> swapFingerprint(String team, String fingerprint, String requestId,
                                                                Duration window) {
        long now = clock.millis();
        LinkedHashMap<String, Stamped> seen = fingerprints.computeIfAbsent(team, t -> new LinkedHashMap<>());
        for (Iterator<Stamped> it = seen.values().iterator(); it.hasNext(); ) {
            Stamped oldest = it.next();
            if (oldest.expiresAt() > now && seen.size() < maxPerTeam) {
                break;
            }
            it.remove();
        }
        Stamped previous = seen.remove(fingerprint);
        seen.put(fingerprint, new Stamped(requestId, now + window.toMillis()));
        return CompletableFuture.completedFuture(previous == null || previous.expiresAt() <= now
                ? null : previous.requestId());
    }

    private Entry live(String requestId) {
        Entry entry = decisions.get(requestId);
        return entry == null || entry.expiresAt() <= clock.millis() ? null : entry;
    }
}
