package dev.tiergate.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ActivityDeadlineTest {
    private static final long TIMEOUT_MS = 100;

    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger lapses = new AtomicInteger();
    private final ActivityDeadline deadline =
            new ActivityDeadline(loop, TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS), lapses::incrementAndGet);

    @AfterEach
    void stop() {
        loop.shutdownNow();
    }

    private void onLoop(Runnable action) throws Exception {
        loop.submit(action).get();
    }

    @Test
    void anActivityLongerThanTheTimeoutLapsesOnce() throws Exception {
        onLoop(deadline::begin);
        Thread.sleep(TIMEOUT_MS * 4);
        assertThat(lapses).hasValue(1);
        assertThat(onLoopValue()).isFalse();
    }

    @Test
    void shortActivitiesSpreadOverManyTimeoutsNeverLapse() throws Exception {
        for (int i = 0; i < 12; i++) {
            onLoop(deadline::begin);
            Thread.sleep(TIMEOUT_MS / 4);
            onLoop(deadline::end);
            Thread.sleep(TIMEOUT_MS / 10);
        }
        Thread.sleep(TIMEOUT_MS * 2);
        assertThat(lapses).hasValue(0);
    }

    @Test
    void anActivityBegunLateGetsTheWholeTimeoutFromItsStart() throws Exception {
        onLoop(deadline::begin);
        onLoop(deadline::end);
        Thread.sleep(TIMEOUT_MS * 7 / 10);
        onLoop(deadline::begin);   // the timer set by the first fires in ~30 ms and must set itself again
        Thread.sleep(TIMEOUT_MS / 2);
        assertThat(lapses).hasValue(0);
        Thread.sleep(TIMEOUT_MS * 3);
        assertThat(lapses).hasValue(1);
    }

    @Test
    void cancelledItNeverLapses() throws Exception {
        onLoop(deadline::begin);
        onLoop(deadline::cancel);
        Thread.sleep(TIMEOUT_MS * 3);
        assertThat(lapses).hasValue(0);
    }

    private boolean onLoopValue() throws Exception {
        return loop.submit(deadline::active).get();
    }
}
