package dev.tiergate.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.io.Flushable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Logback's {@code AsyncAppender} as {@link LoggingSetup} configures it for the request log (every
 * event kept, none discarded: a full queue makes the logging thread wait), with a worker that lets
 * events gather: it hands everything queued to the attached appenders, then waits
 * {@code lingerMillis} (default {@value #DEFAULT_LINGER_MILLIS} ms) before taking the next events,
 * unless the batch filled up. Logback's worker wakes for every event when events come one at a
 * time: under load, one wake-up per request, a system call on the event loop that logs and a
 * context switch on the core it runs on. Here the event loop only queues; the worker wakes at most
 * once per linger, or as soon as the queue is half full (then the loggers may soon wait for room).
 * After each batch it flushes the attached appenders that buffer ({@link java.io.Flushable}, as
 * {@link BatchingConsoleAppender}): one write to stdout per batch, not one per line.
 * Events are written in the order logged, at most a linger later than logback's
 * would; {@link #stop()} writes what is queued (for up to {@code maxFlushTime} ms) before stopping
 * the attached appenders.
 */
public final class LingeringAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {
    static final int DEFAULT_LINGER_MILLIS = 5;
    /** The most events handed on between two lingers. */
    static final int MAX_BATCH = 1024;

    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private int queueSize = 8192;
    private int lingerMillis = DEFAULT_LINGER_MILLIS;
    private int maxFlushTime = 1000;
    private BlockingQueue<ILoggingEvent> queue;
    private Thread worker;
    /** A batch this large (half the queue, at most {@link #MAX_BATCH}) is handed on without lingering. */
    private int busyBatch;
    /** Whether the worker is lingering (a logger that finds the queue half full wakes it). */
    private volatile boolean lingering;

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public void setLingerMillis(int lingerMillis) {
        this.lingerMillis = lingerMillis;
    }

    /** How long {@link #stop()} waits for the queued events to be written, ms. */
    public void setMaxFlushTime(int maxFlushTime) {
        this.maxFlushTime = maxFlushTime;
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (queueSize < 1) {
            addError("queueSize: " + queueSize + " (expected: >= 1)");
            return;
        }
        if (lingerMillis < 0) {
            addError("lingerMillis: " + lingerMillis + " (expected: >= 0)");
            return;
        }
        if (!appenders.iteratorForAppenders().hasNext()) {
            addError("no appender attached to " + getName());
            return;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        busyBatch = Math.min(MAX_BATCH, Math.max(1, queueSize / 2));
        worker = new Thread(this::run, "tiergate-log-" + getName());
        worker.setDaemon(true);
        super.start();
        worker.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();   // message, MDC and thread name fixed now, as AsyncAppender does
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(event);
                break;
            } catch (InterruptedException e) {
                interrupted = true;   // keep the event; restore the interrupt once it is queued
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (lingering && queue.size() >= busyBatch) {   // half full: do not let the loggers wait for the linger
            lingering = false;
            LockSupport.unpark(worker);
        }
    }

    private void run() {
        List<ILoggingEvent> batch = new ArrayList<>();
        long linger = TimeUnit.MILLISECONDS.toNanos(lingerMillis);
        while (isStarted()) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;   // stop(): the rest is written below
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            hand(batch);
            boolean busy = batch.size() >= busyBatch;
            batch.clear();
            if (!busy && linger > 0 && isStarted()) {
                lingering = true;
                LockSupport.parkNanos(this, linger);
                lingering = false;
            }
        }
        queue.drainTo(batch);
        hand(batch);
    }

    /** Hands the batch to the attached appenders, then flushes those that buffer ({@link Flushable}). */
    private void hand(List<ILoggingEvent> batch) {
        if (batch.isEmpty()) {
            return;
        }
        for (ILoggingEvent event : batch) {
            appenders.appendLoopOnAppenders(event);
        }
        for (Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof Flushable flushable) {
                try {
                    flushable.flush();
                } catch (IOException e) {
                    addError("could not flush the batch", e);
                }
            }
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        worker.interrupt();
        try {
            worker.join(maxFlushTime);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            addWarn("stopped after " + maxFlushTime + " ms with " + queue.size() + " events not yet written");
        }
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        appenders.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return appenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return appenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
