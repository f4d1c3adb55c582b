package dev.tiergate.server.fatal;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** Ends the process with a status; injected so that tests can see the call without ending their JVM. */
@FunctionalInterface
public interface ExitHook {
    /** How long the log may take to write out what it holds before the process halts. */
    long FLUSH_MILLIS = 2_000;

    void exit(int status);

    /**
     * Writes out the log (at most {@value #FLUSH_MILLIS} ms), then {@link Runtime#halt halts}: no
     * shutdown hooks, which could wait forever in a process that is out of memory.
     */
    static ExitHook halt() {
        return status -> {
            try {
                Thread flush = new Thread(ExitHook::flushLog, "tiergate-exit-flush");
                flush.setDaemon(true);
                flush.start();
                flush.join(FLUSH_MILLIS);
            } catch (Throwable e) {
                // out of memory for a thread, or interrupted: halt without the flush
            } finally {
                Runtime.getRuntime().halt(status);
            }
        };
    }

    private static void flushLog() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.stop();
        }
    }
}
