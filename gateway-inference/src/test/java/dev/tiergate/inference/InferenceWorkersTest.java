package dev.tiergate.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InferenceWorkersTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private InferenceWorkers workers;

    @AfterEach
    void stop() {
        release.countDown();
        if (workers != null) {
            workers.close();
        }
    }

    /** Occupies every thread until {@link #release} opens. */
    private void occupyEveryThread() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(workers.threads());
        for (int i = 0; i < workers.threads(); i++) {
            workers.executor().execute(() -> {
                started.countDown();
                awaitRelease();
            });
        }
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    }

    private void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void defaultsToHalfTheCoresOnNamedDaemonThreads() throws Exception {
        workers = InferenceWorkers.create();
        assertThat(workers.threads()).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        Thread thread = CompletableFuture.supplyAsync(Thread::currentThread, workers.executor()).get(5, TimeUnit.SECONDS);
        assertThat(thread.getName()).startsWith("tiergate-inference-");
        assertThat(thread.isDaemon()).isTrue();
    }

    @Test
    void backgroundThreadsRunAtTheLowestPriorityAndOthersAtTheProcesses() throws Exception {
        workers = InferenceWorkers.builder().threads(1).background(true).build();
        Integer background = CompletableFuture.supplyAsync(BackgroundPriority::currentNice, workers.executor())
                .get(10, TimeUnit.SECONDS);
        Integer own = BackgroundPriority.currentNice();
        try (InferenceWorkers normal = InferenceWorkers.builder().threads(1).build()) {
            Integer foreground = CompletableFuture.supplyAsync(BackgroundPriority::currentNice, normal.executor())
                    .get(10, TimeUnit.SECONDS);

            assertThat(own).as("this thread's nice, read from /proc (Linux)").isNotNull();
            assertThat(background).isEqualTo(BackgroundPriority.NICE);
            assertThat(foreground).isEqualTo(own);
        }
    }

    @Test
    void sheddingWorkIsRefusedOnceEveryThreadHasOneWaitingWhileRoutingStillQueues() throws Exception {
        workers = InferenceWorkers.builder().threads(2).queuePerThread(3).build();
        occupyEveryThread();
        workers.sheddingExecutor().execute(() -> { });
        workers.sheddingExecutor().execute(() -> { });
        assertThatThrownBy(() -> workers.sheddingExecutor().execute(() -> { }))
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("2 tasks waiting (expected: < 2 for work that is shed)");

        for (int i = 0; i < 4; i++) {
            workers.executor().execute(() -> { });
        }
        assertThat(workers.queued()).isEqualTo(6);
        assertThatThrownBy(() -> workers.executor().execute(() -> { }))
                .as("the whole queue (2 threads x 3) is full")
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void sheddingWorkCountsWhateverWaitsNotOnlyItsOwn() throws Exception {
        workers = InferenceWorkers.builder().threads(1).build();
        occupyEveryThread();
        workers.executor().execute(() -> { });
        assertThatThrownBy(() -> workers.sheddingExecutor().execute(() -> { }))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void continuingWorkRunsOnTheWorkerItIsOnAndIsQueuedNotShedFromElsewhere() throws Exception {
        workers = InferenceWorkers.builder().threads(1).build();
        // on a worker: at once, on that thread, even while another task waits (it would be shed)
        CompletableFuture<Thread[]> onWorker = CompletableFuture.supplyAsync(() -> {
            Thread worker = Thread.currentThread();
            workers.executor().execute(() -> { });   // waits behind this task
            Thread[] ran = new Thread[1];
            workers.continuingExecutor().execute(() -> ran[0] = Thread.currentThread());
            return new Thread[] {worker, ran[0]};
        }, workers.executor());
        Thread[] threads = onWorker.get(5, TimeUnit.SECONDS);
        assertThat(threads[1]).isSameAs(threads[0]);

        // elsewhere: queued behind a busy worker where shedding work is refused, and run by the worker
        occupyEveryThread();
        workers.executor().execute(() -> { });
        assertThatThrownBy(() -> workers.sheddingExecutor().execute(() -> { }))
                .isInstanceOf(RejectedExecutionException.class);
        CompletableFuture<Thread> queued = CompletableFuture.supplyAsync(Thread::currentThread,
                workers.continuingExecutor());
        assertThat(workers.queued()).isEqualTo(2);
        release.countDown();
        assertThat(queued.get(5, TimeUnit.SECONDS).getName()).startsWith("tiergate-inference-");
        assertThat(queued.get()).isNotSameAs(Thread.currentThread());
    }

    @Test
    void closeStopsTheThreads() throws Exception {
        workers = InferenceWorkers.builder().threads(1).build();
        occupyEveryThread();
        workers.close();
        assertThatThrownBy(() -> workers.executor().execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> workers.sheddingExecutor().execute(() -> { }))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> InferenceWorkers.builder().threads(0)).hasMessage("threads: 0 (expected: > 0)");
        assertThatThrownBy(() -> InferenceWorkers.builder().queuePerThread(0))
                .hasMessage("queuePerThread: 0 (expected: > 0)");
        assertThatThrownBy(() -> InferenceWorkers.builder().queuePerThread(2).sheddingQueuePerThread(3).build())
                .hasMessage("sheddingQueuePerThread: 3 (expected: <= queuePerThread 2)");
    }
}
