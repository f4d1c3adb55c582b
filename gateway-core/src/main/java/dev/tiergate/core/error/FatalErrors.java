package dev.tiergate.core.error;

/**
 * Errors the process must not survive. After an {@link OutOfMemoryError} (of the heap, or of
 * direct buffers, which {@code -XX:+ExitOnOutOfMemoryError} does not cover) event loops, pools and
 * caches are in an unknown state: carrying on leaves a process that looks alive and serves badly.
 * Code that catches {@code Throwable} (a channel's {@code exceptionCaught}, the pipeline runner, an
 * event loop task) hands it here first; an out-of-memory error goes to the current thread's
 * uncaught-exception handler, which in the gateway ends the process so that it is restarted.
 */
public final class FatalErrors {
    /** How deep a chain of causes is searched (a cycle or a pathological chain ends the search). */
    private static final int MAX_DEPTH = 16;

    private FatalErrors() {
    }

    /** The {@link OutOfMemoryError} that {@code t} is or was caused by, or null. */
    public static OutOfMemoryError outOfMemory(Throwable t) {
        Throwable cause = t;
        for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++) {
            if (cause instanceof OutOfMemoryError oom) {
                return oom;
            }
            cause = cause.getCause();
        }
        return null;
    }

    /**
     * When {@code t} is or was caused by an {@link OutOfMemoryError}, hands that error to the
     * current thread's uncaught-exception handler and returns true (if the handler returns, the
     * caller goes on failing what it was doing); otherwise returns false.
     */
    public static boolean escalate(Throwable t) {
        OutOfMemoryError oom = outOfMemory(t);
        if (oom == null) {
            return false;
        }
        Thread thread = Thread.currentThread();
        thread.getUncaughtExceptionHandler().uncaughtException(thread, oom);
        return true;
    }
}
