package dev.tiergate.server.accounting;

import dev.tiergate.core.accounting.UsageRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes usage records off the request path: {@link #add} only queues; one background thread
 * hands whatever has queued up (up to {@value #MAX_BATCH} records) to the batch writer at once,
 * then takes the next batch, so a record waits only while the batch before it is written and,
 * after a batch, for at most {@value #LINGER_MILLIS} ms more while the writer lets the next batch
 * gather: under load the request threads then queue without waking the writer for every record
 * (a wake-up costs the event loop a system call and the shared core a context switch).
 * {@link #execute} runs a task on that thread, after the records queued before it are written
 * (how a store changes its file between batches); {@link #flush()} completes once everything
 * queued before it is written; {@link #close()} writes the rest and stops the thread.
 */
final class BatchingWriter implements AutoCloseable {
    static final int MAX_BATCH = 512;
    static final long LINGER_MILLIS = 5;
    private static final Logger log = LoggerFactory.getLogger(BatchingWriter.class);
    private static final Object STOP = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Consumer<List<UsageRecord>> batchWriter;
    private final Thread thread;
    private final AtomicLong pending = new AtomicLong();
    private volatile boolean closed;

    BatchingWriter(String name, Consumer<List<UsageRecord>> batchWriter) {
        this.batchWriter = batchWriter;
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    /** Queues a record; false (and nothing queued) after close. */
    boolean add(UsageRecord record) {
        if (closed) {
            return false;
        }
        pending.incrementAndGet();
        queue.add(record);
        return true;
    }

    /** Records queued or being written. */
    long pending() {
        return pending.get();
    }

    /** Runs {@code task} on the writer thread once the records queued before it are written; false after close. */
    boolean execute(Runnable task) {
        if (closed) {
            return false;
        }
        queue.add(task);
        return true;
    }

    CompletionStage<Void> flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!execute(() -> done.complete(null))) {
            done.complete(null);
        }
        return done;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Object> items = new ArrayList<>(MAX_BATCH);
        List<UsageRecord> records = new ArrayList<>(MAX_BATCH);
        boolean stop = false;
        while (!stop) {
            try {
                items.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(items, MAX_BATCH - 1);
            if (items.contains(STOP)) {
                stop = true;
                queue.drainTo(items);
            }
            for (Object item : items) {
                if (item instanceof UsageRecord record) {
                    records.add(record);
                } else if (item instanceof Runnable task) {
                    write(records);
                    run(task);
                }
            }
            write(records);
            boolean full = items.size() >= MAX_BATCH;
            items.clear();
            if (!stop && !full) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS));
            }
        }
    }

    private void write(List<UsageRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        try {
            batchWriter.accept(List.copyOf(records));
        } catch (RuntimeException e) {
            log.error("{} usage records could not be written: {}", records.size(), e.toString());
        }
        pending.addAndGet(-records.size());
        records.clear();
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("usage writer task failed: {}", e.toString(), e);
        }
    }
}
