package dev.tiergate.inference;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool that runs model inference (sentence embeddings, classification) off the event
 * loops. The composition root creates two: one for the router, one for the semantic cache's
 * lookups, so that neither queues behind the other; closing one stops its threads.
 *
 * <p>A pool may run in the {@linkplain Builder#background(boolean) background}, its threads at the
 * lowest OS priority (the lookups' pool when {@code cache.semantic.lookup-priority} is
 * {@code background}), so that under CPU saturation its work (worth doing only on idle CPU) is shed.
 *
 * <p>Half the cores by default (the event loops keep the rest), daemon threads named
 * {@code tiergate-inference-N}, started with the pool, and a lock-free queue bounded by a count of
 * the tasks waiting: a submitting thread never waits for a lock a worker holds, and a full pool
 * refuses work with {@link RejectedExecutionException}, so that callers shed load instead of
 * queueing without end. Three doors lead to the same threads:
 * <ul>
 *   <li>{@link #executor()}, for work a request waits for (routing): it queues up to
 *       {@code queuePerThread} tasks per thread (default {@value #DEFAULT_QUEUE_PER_THREAD}) and is
 *       refused only when that queue is full; the router then routes by its fallback;</li>
 *   <li>{@link #sheddingExecutor()}, for work worth doing only promptly (a semantic cache lookup or
 *       write): refused as soon as {@code sheddingQueuePerThread} tasks per thread (default
 *       {@value #DEFAULT_SHEDDING_QUEUE_PER_THREAD}) are waiting, whoever queued them. Under CPU
 *       saturation the cache then skips its lookup (a miss) rather than queue behind model runs,
 *       and it never holds more than that much of the queue, so the router is not starved by it;</li>
 *   <li>{@link #continuingExecutor()}, for the rest of work whose model run is already paid for (a
 *       cache lookup's verification once its embedding is done, the write of a miss that was
 *       embedded): run at once when the caller is already on a worker, else queued as on
 *       {@link #executor()}, never shed: shedding it would throw the model run away.</li>
 * </ul>
 */
public final class InferenceWorkers implements AutoCloseable {
    /** Tasks that may wait per thread on {@link #executor()}. */
    public static final int DEFAULT_QUEUE_PER_THREAD = 256;
    /** Waiting tasks per thread beyond which {@link #sheddingExecutor()} refuses work. */
    public static final int DEFAULT_SHEDDING_QUEUE_PER_THREAD = 1;

    private final ThreadPoolExecutor pool;
    private final int queueLimit;
    private final int sheddingLimit;
    /** Tasks submitted and not yet started. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final Executor queueing = this::executeOrRefuse;
    private final Executor shedding = this::executeOrShed;
    private final Executor continuing = this::executeHereOrQueue;
    /** The pool's threads, so that work already on one of them can go on there. */
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    private InferenceWorkers(Builder b) {
        AtomicInteger n = new AtomicInteger();
        String prefix = b.threadNamePrefix;
        boolean background = b.background;
        this.queueLimit = b.threads * b.queuePerThread;
        // A lock-free queue, bounded by the waiting count: a thread that submits (an event loop) never
        // waits for a lock a worker holds, which a background worker, preempted, may hold for long.
        this.pool = new ThreadPoolExecutor(b.threads, b.threads, 0, TimeUnit.SECONDS,
                new LinkedTransferQueue<>(), r -> {
                    Runnable run = background ? () -> {
                        BackgroundPriority.lowerCurrentThread();
                        r.run();
                    } : r;
                    Thread t = new Thread(run, prefix + n.incrementAndGet());
                    t.setDaemon(true);
                    threads.add(t);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.sheddingLimit = b.threads * b.sheddingQueuePerThread;
        // at start: a background thread's renice runs then, not on a request, and a submission never
        // takes the pool's lock to add a thread
        pool.prestartAllCoreThreads();
    }

    /** A pool with the defaults: half the cores (at least one), 256 waiting per thread, shedding at 1. */
    public static InferenceWorkers create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** For work a request waits for; refuses ({@link RejectedExecutionException}) only when the queue is full. */
    public Executor executor() {
        return queueing;
    }

    /** For work worth doing only promptly; refuses as soon as every thread has its share of waiting tasks. */
    public Executor sheddingExecutor() {
        return shedding;
    }

    /**
     * For the rest of work whose model run is done: runs the task on the calling thread when that is
     * one of the workers, else queues it as {@link #executor()} does (refused only when the queue is full).
     */
    public Executor continuingExecutor() {
        return continuing;
    }

    public int threads() {
        return pool.getCorePoolSize();
    }

    /** Tasks waiting for a thread now. */
    public int queued() {
        return waiting.get();
    }

    private void executeOrShed(Runnable task) {
        submit(task, sheddingLimit, "for work that is shed");
    }

    private void executeOrRefuse(Runnable task) {
        submit(task, queueLimit, "queued");
    }

    private void executeHereOrQueue(Runnable task) {
        if (threads.contains(Thread.currentThread())) {
            task.run();
        } else {
            executeOrRefuse(task);
        }
    }

    /** Queues {@code task} unless {@code limit} tasks already wait; counted waiting until a thread starts it. */
    private void submit(Runnable task, int limit, String what) {
        int now;
        do {
            now = waiting.get();
            if (now >= limit) {
                throw new RejectedExecutionException("inference workers busy: " + now + " tasks waiting (expected: < "
                        + limit + " " + what + ")");
            }
        } while (!waiting.compareAndSet(now, now + 1));
        try {
            pool.execute(() -> {
                waiting.decrementAndGet();
                task.run();
            });
        } catch (RejectedExecutionException e) {   // shut down
            waiting.decrementAndGet();
            throw e;
        }
    }

    /** Stops the threads; running tasks are interrupted, waiting ones dropped. */
    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** Builds {@link InferenceWorkers}; every setting has a default. */
    public static final class Builder {
        private int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        private int queuePerThread = DEFAULT_QUEUE_PER_THREAD;
        private int sheddingQueuePerThread = DEFAULT_SHEDDING_QUEUE_PER_THREAD;
        private String threadNamePrefix = "tiergate-inference-";
        private boolean background;

        private Builder() {
        }

        /**
         * Threads at the lowest OS priority ({@link BackgroundPriority}): for work that may use
         * only the CPU others leave idle. Default false.
         */
        public Builder background(boolean lowest) {
            this.background = lowest;
            return this;
        }

        /** Threads; default half the cores, at least one. */
        public Builder threads(int newThreads) {
            if (newThreads <= 0) {
                throw new IllegalArgumentException("threads: " + newThreads + " (expected: > 0)");
            }
            this.threads = newThreads;
            return this;
        }

        /** Tasks that may wait per thread on {@link #executor()}; default {@value #DEFAULT_QUEUE_PER_THREAD}. */
        public Builder queuePerThread(int tasks) {
            if (tasks <= 0) {
                throw new IllegalArgumentException("queuePerThread: " + tasks + " (expected: > 0)");
            }
            this.queuePerThread = tasks;
            return this;
        }

        /**
         * Waiting tasks per thread from which {@link #sheddingExecutor()} refuses work; default
         * {@value #DEFAULT_SHEDDING_QUEUE_PER_THREAD}. 0 sheds whenever any task waits.
         */
        public Builder sheddingQueuePerThread(int tasks) {
            if (tasks < 0) {
                throw new IllegalArgumentException("sheddingQueuePerThread: " + tasks + " (expected: >= 0)");
            }
            this.sheddingQueuePerThread = tasks;
            return this;
        }

        public Builder threadNamePrefix(String prefix) {
            this.threadNamePrefix = requireNonNull(prefix, "threadNamePrefix");
            return this;
        }

        public InferenceWorkers build() {
            if (sheddingQueuePerThread > queuePerThread) {
                throw new IllegalArgumentException("sheddingQueuePerThread: " + sheddingQueuePerThread
                        + " (expected: <= queuePerThread " + queuePerThread + ")");
            }
            return new InferenceWorkers(this);
        }
    }
}
