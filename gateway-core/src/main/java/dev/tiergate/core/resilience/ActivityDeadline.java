package dev.tiergate.core.resilience;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A timeout on something that happens again and again (a read awaited, a request being received):
 * {@link #begin()} notes when the activity began, {@link #end()} that it is over, and
 * {@code onLapse} runs once an activity has gone on for the whole timeout. One timer at a time,
 * not one per activity: when it fires it runs {@code onLapse} if the activity under way began a
 * timeout ago, sets itself again for the rest if one began since, and lapses if none is under way;
 * an activity begun and ended before it fires schedules and cancels nothing. Confined to the thread
 * of {@code executor} (an event loop): not thread-safe.
 */
public final class ActivityDeadline {
    private final ScheduledExecutorService executor;
    private final long timeoutNanos;
    private final Runnable onLapse;
    private ScheduledFuture<?> timer;
    private boolean active;
    private long begunAtNanos;

    public ActivityDeadline(ScheduledExecutorService executor, long timeoutNanos, Runnable onLapse) {
        this.executor = executor;
        this.timeoutNanos = timeoutNanos;
        this.onLapse = onLapse;
    }

    /** An activity begins now, unless one is under way already (then it keeps its start). */
    public void begin() {
        if (active) {
            return;
        }
        active = true;
        begunAtNanos = System.nanoTime();
        if (timer == null) {
            arm(timeoutNanos);
        }
    }

    /** The activity under way is over; the timer lapses by itself when it fires. */
    public void end() {
        active = false;
    }

    /** Whether an activity is under way. */
    public boolean active() {
        return active;
    }

    /** No more activities: the timer is cancelled. */
    public void cancel() {
        active = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void arm(long delayNanos) {
        timer = executor.schedule(this::fire, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void fire() {
        timer = null;
        if (!active) {
            return;
        }
        long left = begunAtNanos + timeoutNanos - System.nanoTime();
        if (left > 0) {
            arm(left);
        } else {
            active = false;
            onLapse.run();
        }
    }
}
