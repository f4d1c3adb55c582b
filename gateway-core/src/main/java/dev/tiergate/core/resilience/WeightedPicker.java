package dev.tiergate.core.resilience;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.random.RandomGenerator;

/**
 * Orders deployments for one request by weight: a weighted random permutation, so the first is
 * picked in proportion to its weight and the rest follow as the next choices (for retries and for
 * skipping a deployment whose breaker is open). Efraimidis and Spirakis' keys: each item draws
 * {@code -ln(u) / weight} and the smallest keys come first.
 */
public final class WeightedPicker {
    private WeightedPicker() {
    }

    public static <T> List<T> order(List<T> items, ToIntFunction<? super T> weight, RandomGenerator random) {
        if (items.size() < 2) {
            return List.copyOf(items);
        }
        record Keyed<T>(T item, double key) {
        }
        List<Keyed<T>> keyed = new ArrayList<>(items.size());
        for (T item : items) {
            int w = weight.applyAsInt(item);
            if (w < 1) {
                throw new IllegalArgumentException("weight: " + w + " (expected: >= 1)");
            }
            double u = 1.0 - random.nextDouble();
            keyed.add(new Keyed<>(item, -Math.log(u) / w));
        }
        keyed.sort(Comparator.comparingDouble(Keyed::key));
        return keyed.stream().map(Keyed::item).toList();
    }
}
