package dev.tiergate.cache.semantic.store;

import dev.tiergate.cache.semantic.lsh.Vectors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The verification both stores share: exact cosine against the threshold, the feature filter, best first. */
final class Ranking {
    /** A candidate that passed: its id and similarity. */
    record Ranked(String id, double similarity) {
    }

    private final StoreQuery query;
    private final List<Ranked> passed = new ArrayList<>();

    Ranking(StoreQuery query) {
        this.query = query;
    }

    /** Verifies one candidate; ignores it unless it is close enough and its features pass. */
    void offer(String id, float[] vector, String features) {
        if (vector == null || features == null || vector.length != query.vector().length) {
            return;
        }
        double similarity = Vectors.dot(query.vector(), vector);
        if (similarity >= query.minSimilarity() && query.featuresFilter().test(features)) {
            passed.add(new Ranked(id, similarity));
        }
    }

    /** The candidates that passed, most similar first. */
    List<Ranked> best() {
        passed.sort(Comparator.comparingDouble(Ranked::similarity).reversed());
        return passed;
    }
}
