package dev.tiergate.server.fatal;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.error.FatalErrors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's uncaught-exception handler: the default one of the process and the one of its
 * event loop threads, to which {@link FatalErrors#escalate} hands what the gateway caught. An
 * {@link OutOfMemoryError} is logged as one line and ends the process with status
 * {@value #EXIT_STATUS} (the status of {@code -XX:+ExitOnOutOfMemoryError}), so that an orchestrator
 * restarts it instead of leaving a process with dead event loops; anything else is logged at ERROR.
 */
public final class ExitOnOutOfMemory implements Thread.UncaughtExceptionHandler {
    public static final int EXIT_STATUS = 3;
    private static final Logger log = LoggerFactory.getLogger(ExitOnOutOfMemory.class);

    private final ExitHook exit;
    private final AtomicBoolean exiting = new AtomicBoolean();

    public ExitOnOutOfMemory(ExitHook exit) {
        this.exit = requireNonNull(exit, "exit");
    }

    /** The handler of a real process: flushes the log and halts. */
    public static ExitOnOutOfMemory halting() {
        return new ExitOnOutOfMemory(ExitHook.halt());
    }

    @Override
    public void uncaughtException(Thread thread, Throwable e) {
        OutOfMemoryError oom = FatalErrors.outOfMemory(e);
        if (oom == null) {
            log.error("uncaught exception in thread {}", thread.getName(), e);
            return;
        }
        if (!exiting.compareAndSet(false, true)) {
            return;
        }
        try {
            log.error("out of memory in thread {} ({}): exiting with status {} so that the process is restarted",
                    thread.getName(), oom.getMessage(), EXIT_STATUS);
        } catch (Throwable logFailed) {
            // the log may be out of memory too; exiting matters more than the line
        } finally {
            exit.exit(EXIT_STATUS);
        }
    }
}
