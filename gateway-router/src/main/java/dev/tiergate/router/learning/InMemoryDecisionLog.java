package dev.tiergate.router.learning;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.ToIntFunction;

/**
 * The decision log of a gateway without Redis: decisions expire after the TTL, a team keeps at most
 * {@code maxPerTeam} of them and the log at most {@code maxTotal} (the oldest go first: when the
 * log is full, the team holding the most loses its oldest); claims go with their decision, and the
 * same two bounds hold the fingerprints. One lock; every operation is O(1) amortised, O(teams) once
 * the log is full. {@link #BYTES_PER_DECISION} is what one routed request costs the heap here, for
 * sizing {@code maxTotal} to a share of it.
 */
public final class InMemoryDecisionLog implements DecisionLog {
    /**
     * About what one routed request keeps in this log: its decision (~320 bytes with a 36-character
     * request id) and its context fingerprint (~150), rounded up; {@code InMemoryDecisionLogSizeTest}
     * measures it.
     */
    public static final long BYTES_PER_DECISION = 512;
    /** The claim kinds, each one bit of an entry's claims. */
    private static final List<String> KINDS = List.of(LearningRouter.EXPLICIT, LearningRouter.IMPLICIT);

    private final Duration ttl;
    private final int maxPerTeam;
    private final int maxTotal;
    private final Clock clock;
    private final Map<String, Entry> decisions = new HashMap<>();
    private final Map<String, ArrayDeque<String>> byTeam = new HashMap<>();
    private final Map<String, LinkedHashMap<String, Stamped>> fingerprints = new HashMap<>();
    private int fingerprintCount;

    /** A decision, when it expires, and the kinds it was claimed for (one bit each of {@link #KINDS}). */
    private static final class Entry {
        final LoggedDecision decision;
        final long expiresAt;
        int claims;

        Entry(LoggedDecision decision, long expiresAt) {
            this.decision = decision;
            this.expiresAt = expiresAt;
        }
    }

    private record Stamped(String requestId, long expiresAt) {
    }

    public InMemoryDecisionLog(Duration ttl, int maxPerTeam, int maxTotal, Clock clock) {
        this.ttl = requireNonNull(ttl, "ttl");
        if (maxPerTeam < 1 || maxTotal < 1) {
            throw new IllegalArgumentException("maxPerTeam, maxTotal: " + maxPerTeam + ", " + maxTotal
                    + " (expected: >= 1)");
        }
        this.maxPerTeam = maxPerTeam;
        this.maxTotal = maxTotal;
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public synchronized CompletionStage<Void> record(LoggedDecision decision) {
        long now = clock.millis();
        ArrayDeque<String> queue = byTeam.computeIfAbsent(decision.team(), t -> new ArrayDeque<>());
        while (!queue.isEmpty()) {
            Entry oldest = decisions.get(queue.peekFirst());
            if (queue.size() >= maxPerTeam || oldest == null || oldest.expiresAt <= now) {
                decisions.remove(queue.pollFirst());
            } else {
                break;
            }
        }
        while (decisions.size() >= maxTotal) {
            decisions.remove(largest(byTeam, ArrayDeque::size).pollFirst());
        }
        decisions.put(decision.requestId(), new Entry(decision, now + ttl.toMillis()));
        queue.addLast(decision.requestId());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<LoggedDecision> find(String requestId) {
        Entry entry = live(requestId);
        return CompletableFuture.completedFuture(entry == null ? null : entry.decision);
    }

    @Override
    public synchronized CompletionStage<Boolean> claim(String requestId, String kind) {
        int bit = KINDS.indexOf(kind);
        if (bit < 0) {
            throw new IllegalArgumentException("claim kind: " + kind + " (expected one of " + KINDS + ")");
        }
        Entry entry = live(requestId);
        boolean first = entry != null && (entry.claims & (1 << bit)) == 0;
        if (first) {
            entry.claims |= 1 << bit;
        }
        return CompletableFuture.completedFuture(first);
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
            fingerprintCount--;
        }
        Stamped previous = seen.remove(fingerprint);
        if (previous != null) {
            fingerprintCount--;
        }
        while (fingerprintCount >= maxTotal) {
            Iterator<Stamped> oldest = largest(fingerprints, Map::size).values().iterator();
            oldest.next();
            oldest.remove();
            fingerprintCount--;
        }
        seen.put(fingerprint, new Stamped(requestId, now + window.toMillis()));
        fingerprintCount++;
        return CompletableFuture.completedFuture(previous == null || previous.expiresAt() <= now
                ? null : previous.requestId());
    }

    /** The decisions and fingerprints held now (expired ones included until they are pushed out). */
    synchronized int size() {
        return decisions.size() + fingerprintCount;
    }

    private Entry live(String requestId) {
        Entry entry = decisions.get(requestId);
        return entry == null || entry.expiresAt <= clock.millis() ? null : entry;
    }

    /** What the team holding the most keeps ({@code size} tells how much a value holds). */
    private static <V> V largest(Map<String, V> byTeam, ToIntFunction<V> size) {
        V most = null;
        for (V held : byTeam.values()) {
            if (most == null || size.applyAsInt(held) > size.applyAsInt(most)) {
                most = held;
            }
        }
        return most;
    }
}
