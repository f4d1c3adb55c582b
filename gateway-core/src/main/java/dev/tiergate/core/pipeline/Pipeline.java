package dev.tiergate.core.pipeline;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.error.FatalErrors;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.logging.RateLimitedWarnings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stage runtime: an ordered, immutable list of stages in front of a terminal, run as Zuul's
 * filter chain runner runs its filters. For each stage it calls {@link PipelineStage#before},
 * resumes on the request's executor when that completed on another thread, and applies the
 * stage's {@link FailurePolicy} to whatever fails, synchronously or not, before or after the
 * answer: a stage that fails open is skipped (its hook is not run; the answer passes unchanged),
 * counted ({@value #FAILED_OPEN}) and warned about at most every ten seconds per stage; a stage
 * that fails closed fails the request ({@value #FAILED}). A {@link GatewayError} is an intended
 * answer ({@value #REFUSED}) and passes through. An {@link OutOfMemoryError}, even in a stage
 * that fails open, is never skipped: it goes to {@link FatalErrors#escalate} and fails the request.
 * Every step is timed and counted by stage name through the {@link StageObserver}.
 */
public final class Pipeline implements Terminal {
    public static final String FAILED_OPEN = "failed-open";
    public static final String REFUSED = "refused";
    public static final String FAILED = "failed";

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final List<PipelineStage> stages;
    private final Terminal terminal;
    private final StageObserver observer;
    private final RateLimitedWarnings warnings = new RateLimitedWarnings(log, Duration.ofSeconds(10));

    private Pipeline(List<PipelineStage> stages, Terminal terminal, StageObserver observer) {
        this.stages = stages;
        this.terminal = terminal;
        this.observer = observer;
    }

    /** The stages run in the order given. */
    public static Pipeline of(List<? extends PipelineStage> stages, Terminal terminal, StageObserver observer) {
        return new Pipeline(List.copyOf(stages), requireNonNull(terminal, "terminal"),
                requireNonNull(observer, "observer"));
    }

    public List<PipelineStage> stages() {
        return stages;
    }

    @Override
    public CompletionStage<Answer> answer(Exchange exchange) {
        return run(0, exchange);
    }

    private CompletionStage<Answer> run(int index, Exchange exchange) {
        if (index == stages.size()) {
            try {
                return terminal.answer(exchange);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(GatewayError.from(e));
            }
        }
        PipelineStage stage = stages.get(index);
        long start = System.nanoTime();
        CompletableFuture<StageStep> step;
        try {
            step = requireNonNull(stage.before(exchange), "step").toCompletableFuture();
        } catch (RuntimeException e) {
            step = CompletableFuture.failedFuture(e);
        }
        if (step.isDone()) {
            return resume(index, stage, exchange, start, step);
        }
        CompletableFuture<StageStep> pending = step;
        return step.handle((s, e) -> pending)
                .thenComposeAsync(done -> resume(index, stage, exchange, start, done), exchange.executor());
    }

    private CompletionStage<Answer> resume(int index, PipelineStage stage, Exchange exchange, long start,
                                           CompletableFuture<StageStep> done) {
        long nanos = System.nanoTime() - start;
        StageStep step;
        try {
            step = done.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return failed(index, stage, exchange, cause, nanos);
        }
        observer.stepped(exchange, stage.name(), step.outcome(), nanos);
        return switch (step) {
            case StageStep.Respond respond -> CompletableFuture.completedFuture(respond.answer());
            case StageStep.Proceed proceed -> {
                CompletionStage<Answer> downstream = run(index + 1, proceed.exchange());
                yield proceed.after() == null ? downstream
                        : downstream.whenComplete((answer, error) -> {
                            if (error != null) {
                                failedDownstream(stage, proceed, exchange, error);
                            }
                        }).thenApply(answer -> after(stage, proceed, exchange, answer));
            }
        };
    }

    private CompletionStage<Answer> failed(int index, PipelineStage stage, Exchange exchange, Throwable cause,
                                           long nanos) {
        if (FatalErrors.escalate(cause)) {
            observer.stepped(exchange, stage.name(), FAILED, nanos);
            return CompletableFuture.failedFuture(cause);
        }
        if (cause instanceof GatewayError error) {
            observer.stepped(exchange, stage.name(), REFUSED, nanos);
            return CompletableFuture.failedFuture(error);
        }
        if (stage.failurePolicy() == FailurePolicy.FAIL_CLOSED) {
            observer.stepped(exchange, stage.name(), FAILED, nanos);
            log.error("stage {} failed, request {} rejected: {}", stage.name(), exchange.requestId(), cause.toString());
            return CompletableFuture.failedFuture(GatewayError.from(cause));
        }
        observer.stepped(exchange, stage.name(), FAILED_OPEN, nanos);
        warnings.warn(stage.name(), "stage {} failed and was skipped (request {}): {}", stage.name(),
                exchange.requestId(), cause.toString());
        return run(index + 1, exchange);
    }

    /** Tells the stage's hook that nothing was answered; what the hook throws is only warned about. */
    private void failedDownstream(PipelineStage stage, StageStep.Proceed proceed, Exchange exchange, Throwable error) {
        try {
            proceed.after().failed(error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error);
        } catch (RuntimeException e) {
            observer.stepped(exchange, stage.name(), FAILED_OPEN, 0);
            warnings.warn(stage.name(), "stage {} failed on a failed request {}: {}", stage.name(),
                    exchange.requestId(), e.toString());
        }
    }

    private Answer after(PipelineStage stage, StageStep.Proceed proceed, Exchange exchange, Answer answer) {
        try {
            Answer changed = proceed.after().answered(answer);
            return changed == null ? answer : changed;
        } catch (GatewayError e) {
            throw e;
        } catch (RuntimeException e) {
            if (stage.failurePolicy() == FailurePolicy.FAIL_CLOSED) {
                observer.stepped(exchange, stage.name(), FAILED, 0);
                throw GatewayError.from(e);
            }
            observer.stepped(exchange, stage.name(), FAILED_OPEN, 0);
            warnings.warn(stage.name(), "stage {} failed on the answer, passed unchanged (request {}): {}",
                    stage.name(), exchange.requestId(), e.toString());
            return answer;
        }
    }
}
