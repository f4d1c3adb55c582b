package dev.tiergate.core.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One typed fact of a request, set once by the stage (or dispatcher) that establishes it and read
 * by later stages and the server. Safe across threads: a stage may set it on a worker and the
 * server read it on the event loop.
 */
public final class Fact<T> {
    private final String name;
    private final AtomicReference<T> value = new AtomicReference<>();

    Fact(String name) {
        this.name = name;
    }

    /** Sets the fact; a second set is a programming error. */
    public void set(T newValue) {
        requireNonNull(newValue, name);
        if (!value.compareAndSet(null, newValue)) {
            throw new IllegalStateException(name + " is already set for this request");
        }
    }

    /** Sets the fact unless it is set already; the value it holds afterwards. */
    public T setIfAbsent(T newValue) {
        requireNonNull(newValue, name);
        return value.compareAndSet(null, newValue) ? newValue : value.get();
    }

    /** The value, or null while unset. */
    public T get() {
        return value.get();
    }

    public boolean isSet() {
        return value.get() != null;
    }

    @Override
    public String toString() {
        return name + "=" + value.get();
    }
}
