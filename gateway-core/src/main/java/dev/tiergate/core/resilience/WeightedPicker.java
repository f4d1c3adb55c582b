package dev.tiergate.core.resilience;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
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

    /**
     * The weighted order of {@code items} for one affinity key, the same on every call: weighted
     * rendezvous hashing, Efraimidis and Spirakis' keys drawn from a hash of the affinity and the
     * item's {@code id} instead of a random number. Over many affinity keys each item comes first
     * in proportion to its weight; one key keeps its order while the items stay, and adding or
     * removing an item moves only the keys that item wins or loses.
     */
    public static <T> List<T> orderByAffinity(List<T> items, ToIntFunction<? super T> weight,
                                              Function<? super T, String> id, String affinity) {
        return byKeys(items, weight, item -> unitHash(affinity + '\u0000' + id.apply(item)));
    }

    /** A number in (0, 1] from the first 53 bits of the SHA-256 of {@code text}. */
    private static double unitHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = bits << 8 | (digest[i] & 0xff);
            }
            return ((bits >>> 11) + 1) / (double) (1L << 53);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static <T> List<T> order(List<T> items, ToIntFunction<? super T> weight, RandomGenerator random) {
        return byKeys(items, weight, item -> 1.0 - random.nextDouble());
    }

    /** Items by ascending {@code -ln(u) / weight}, {@code u} in (0, 1] drawn for each item. */
    private static <T> List<T> byKeys(List<T> items, ToIntFunction<? super T> weight, ToDoubleFunction<T> draw) {
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
            keyed.add(new Keyed<>(item, -Math.log(draw.applyAsDouble(item)) / w));
        }
        keyed.sort(Comparator.comparingDouble(Keyed::key));
        return keyed.stream().map(Keyed::item).toList();
    }
}
