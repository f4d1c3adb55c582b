package dev.tiergate.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the calling thread to the operating system's lowest scheduling priority (Linux nice 19),
 * so that the work it runs takes the CPU the other threads leave idle: on a saturated machine the
 * event loops keep the cores, and background work waits. Linux only: the thread's own id is read
 * from {@code /proc/thread-self} and given to {@code renice}, which needs no privilege to lower a
 * priority. Elsewhere, or when either is missing, the thread keeps its priority (logged once).
 */
public final class BackgroundPriority {
    /** The lowest priority of Linux' fair scheduler: a weight of 15 against 1,024 at nice 0. */
    public static final int NICE = 19;

    private static final Logger log = LoggerFactory.getLogger(BackgroundPriority.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private BackgroundPriority() {
    }

    /** Lowers the calling thread; true when it now runs at {@link #NICE}. */
    public static boolean lowerCurrentThread() {
        String tid = currentThreadId();
        if (tid == null) {
            warnOnce("no /proc/thread-self (not Linux)");
            return false;
        }
        try {
            Process renice = new ProcessBuilder("renice", "-n", Integer.toString(NICE), "-p", tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!renice.waitFor(5, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
                warnOnce("renice did not end within 5 s");
                return false;
            }
            if (renice.exitValue() != 0) {
                warnOnce("renice exited with " + renice.exitValue());
                return false;
            }
            return true;
        } catch (IOException e) {
            warnOnce("renice could not run: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The calling thread's nice value from {@code /proc/thread-self/stat}, or null when it cannot be read. */
    static Integer currentNice() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            // after "(comm)" come the state and then fields 4..; nice is field 19
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[19 - 3]);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The calling thread's kernel id: {@code /proc/thread-self} links to {@code PID/task/TID}. */
    private static String currentThreadId() {
        try {
            Path link = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            return link.getFileName().toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static void warnOnce(String why) {
        if (WARNED.compareAndSet(false, true)) {
            log.warn("background inference threads keep their priority: {}; under saturation the semantic cache's"
                    + " lookups then take their share of the CPU from the event loops", why);
        }
    }
}
