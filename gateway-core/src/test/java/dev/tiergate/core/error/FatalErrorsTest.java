package dev.tiergate.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FatalErrorsTest {

    @Test
    void anOutOfMemoryErrorIsFoundAmongTheCauses() {
        OutOfMemoryError oom = new OutOfMemoryError("Direct buffer memory");
        assertThat(FatalErrors.outOfMemory(oom)).isSameAs(oom);
        assertThat(FatalErrors.outOfMemory(new CompletionException(new IllegalStateException("read failed", oom))))
                .isSameAs(oom);
        assertThat(FatalErrors.outOfMemory(new UncheckedIOException(new java.io.IOException("reset")))).isNull();
        assertThat(FatalErrors.outOfMemory(null)).isNull();
    }

    @Test
    void escalatingHandsItToTheThreadsHandlerOnlyWhenItIsOutOfMemory() throws Exception {
        List<Throwable> handled = new ArrayList<>();
        List<Boolean> results = new ArrayList<>();
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        Thread thread = new Thread(() -> {
            results.add(FatalErrors.escalate(new IllegalStateException("not fatal")));
            results.add(FatalErrors.escalate(new CompletionException(oom)));
        });
        thread.setUncaughtExceptionHandler((t, e) -> handled.add(e));
        thread.start();
        thread.join(5_000);
        assertThat(results).containsExactly(false, true);
        assertThat(handled).containsExactly(oom);
    }
}
