package dev.tiergate.cache.semantic;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One lookup's race against its deadline. Whichever settles first decides what the request sees:
 * the lookup {@linkplain #decide() decides} (a hit or a miss, and only then touches the request's
 * facts), or the deadline {@linkplain #expire() expires} (the request goes on as if the lookup had
 * been shed). A lookup still waiting for a worker when its deadline passes is not run.
 */
final class LookupDeadline {
    private static final int OPEN = 0;
    private static final int DECIDED = 1;
    private static final int EXPIRED = 2;

    private final AtomicInteger state = new AtomicInteger(OPEN);

    /** The lookup's claim: true when the deadline has not passed, which it then never will for this lookup. */
    boolean decide() {
        return state.compareAndSet(OPEN, DECIDED);
    }

    /** The deadline's claim: true when the lookup has not decided, which it then never will. */
    boolean expire() {
        return state.compareAndSet(OPEN, EXPIRED);
    }

    boolean expired() {
        return state.get() == EXPIRED;
    }

    /**
     * {@code workers} for this lookup's tasks: a task that starts after the deadline does nothing
     * (its future never completes; nobody waits for it any more), so a late lookup costs no model run.
     */
    Executor gate(Executor workers) {
        return task -> workers.execute(() -> {
            if (!expired()) {
                task.run();
            }
        });
    }
}
