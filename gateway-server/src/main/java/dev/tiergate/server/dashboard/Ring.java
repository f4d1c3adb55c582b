package dev.tiergate.server.dashboard;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} values appended, each numbered from 1 in the order appended (a number
 * never repeats). Appending is O(1) and holds the lock only to store one reference.
 */
public final class Ring<T> {
    private final Object[] values;
    /** The number of the last value appended; 0 when none. */
    private long last;

    public Ring(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.values = new Object[capacity];
    }

    /** Appends {@code value}; the oldest falls out when the ring is full. Returns its number. */
    public synchronized long append(T value) {
        last++;
        values[(int) ((last - 1) % values.length)] = value;
        return last;
    }

    /** The number of the newest value, 0 when none was appended. */
    public synchronized long latest() {
        return last;
    }

    /** The newest {@code n} values held, oldest first. */
    public synchronized List<Numbered<T>> last(int n) {
        return from(Math.max(last - n, 0));
    }

    /** The values held numbered above {@code after}, oldest first. */
    public synchronized List<Numbered<T>> after(long after) {
        return from(Math.max(after, 0));
    }

    /** The newest {@code n} values held, newest first. */
    public List<Numbered<T>> newestFirst(int n) {
        List<Numbered<T>> out = new ArrayList<>(last(n));
        java.util.Collections.reverse(out);
        return out;
    }

    public int capacity() {
        return values.length;
    }

    @SuppressWarnings("unchecked")
    private List<Numbered<T>> from(long after) {
        long first = Math.max(after + 1, last - values.length + 1);
        List<Numbered<T>> out = new ArrayList<>((int) Math.max(0, last - first + 1));
        for (long number = first; number <= last; number++) {
            out.add(new Numbered<>(number, (T) values[(int) ((number - 1) % values.length)]));
        }
        return out;
    }

    /** A value and its number. */
    public record Numbered<T>(long number, T value) {
    }
}
