package dev.tiergate.server.fatal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** An exit hook that records the status instead of ending the JVM. */
public final class RecordingExit implements ExitHook {
    private final CompletableFuture<Integer> status = new CompletableFuture<>();
    private int calls;

    @Override
    public synchronized void exit(int code) {
        calls++;
        status.complete(code);
    }

    /** The status of the first exit, waiting up to {@code seconds} for it. */
    public int awaitStatus(int seconds) throws Exception {
        return status.get(seconds, TimeUnit.SECONDS);
    }

    public synchronized int calls() {
        return calls;
    }
}
