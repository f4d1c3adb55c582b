package dev.tiergate.providers.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.error.GatewayError;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;

/** Waits for an adapter's answer or for its failure, which must be a {@link GatewayError}. */
public final class Outcomes {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Outcomes() {
    }

    public static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static GatewayError failureOf(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(GatewayError.class);
            return (GatewayError) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure");
    }

    public static GatewayError failureOf(Flux<?> flux) {
        try {
            flux.blockLast(WAIT);
        } catch (RuntimeException e) {
            Throwable t = Exceptions.unwrap(e);
            assertThat(t).isInstanceOf(GatewayError.class);
            return (GatewayError) t;
        }
        throw new AssertionError("expected a failure");
    }
}
