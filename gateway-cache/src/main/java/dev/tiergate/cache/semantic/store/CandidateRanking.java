package dev.tiergate.cache.semantic.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which bucket members a lookup compares when there are more than it may: those sharing the most LSH
 * tables with the query first (two vectors share a band more often the closer they are), in the
 * order they were met among equals. Walking the tables in order instead lets a crowded partition's
 * first buckets fill the limit with entries that share one table, hiding closer ones found later.
 */
final class CandidateRanking {
    /** How many of the query's buckets each id was found in, in the order the ids were met. */
    private final Map<String, Tally> collisions = new LinkedHashMap<>();

    /** One id's count, bumped in place (no boxed integer per sighting). */
    private static final class Tally {
        int count;
    }

    /** Counts one sighting of {@code id} in one of the query's buckets. */
    void saw(String id) {
        collisions.computeIfAbsent(id, ignored -> new Tally()).count++;
    }

    /** At most {@code max} ids, those found in the most buckets first. */
    List<String> closest(int max) {
        if (collisions.size() <= max) {
            return List.copyOf(collisions.keySet());
        }
        List<Map.Entry<String, Tally>> ranked = new ArrayList<>(collisions.entrySet());
        ranked.sort(Comparator.comparingInt((Map.Entry<String, Tally> e) -> e.getValue().count).reversed());   // stable
        List<String> ids = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            ids.add(ranked.get(i).getKey());
        }
        return ids;
    }
}
