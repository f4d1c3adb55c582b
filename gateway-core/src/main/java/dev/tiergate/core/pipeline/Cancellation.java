package dev.tiergate.core.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Tells the parts of a request that work for it (e.g. upstream attempts being retried) that its
 * client went away. Callbacks registered after {@link #cancel()} run at once; each runs once.
 */
public final class Cancellation {
    private final List<Runnable> callbacks = new ArrayList<>();
    private boolean cancelled;

    public void onCancel(Runnable callback) {
        boolean runNow;
        synchronized (this) {
            runNow = cancelled;
            if (!runNow) {
                callbacks.add(callback);
            }
        }
        if (runNow) {
            callback.run();
        }
    }

    public void cancel() {
        List<Runnable> toRun;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            toRun = List.copyOf(callbacks);
            callbacks.clear();
        }
        toRun.forEach(Runnable::run);
    }
}
