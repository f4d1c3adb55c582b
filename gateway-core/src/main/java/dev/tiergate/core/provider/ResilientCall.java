package dev.tiergate.core.provider;


import dev.tiergate.core.config.DeploymentConfig;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.InternalGatewayError;
import dev.tiergate.core.error.RateLimitedError;
import dev.tiergate.core.error.TimeoutError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.pipeline.BilledAttempt;
import dev.tiergate.core.pipeline.Served;
import dev.tiergate.core.resilience.AttemptOutcome;
import dev.tiergate.core.resilience.CircuitBreaker;
import dev.tiergate.core.resilience.RetryPolicy;
import dev.tiergate.core.resilience.UpstreamAttempt;
import dev.tiergate.core.resilience.WeightedPicker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request's way through its candidate models. Each model is tried up to its retry policy's
 * attempts, each attempt on the next deployment in a weighted order whose breaker lets it through;
 * a model whose deployments are all open is skipped. A chat request with a conversation
 * fingerprint (prefix affinity, {@link PromptCaching}) takes the same weighted order on every turn,
 * so the first deployment keeps the provider's prompt cache warm while its breaker lets it through. Retryable failures (429, 5xx, broken
 * connections, timeouts) are retried after a backoff, then the next model is tried; other
 * failures of the provider and empty answers go to the next model at once; a request the provider
 * refused (400 and the like) is returned at once. A stream counts as answered with its first chunk
 * (nothing reaches the client before), and later errors pass to the client. One deadline bounds
 * it all. All state is confined to the exchange's executor, where backoffs are scheduled too.
 */
final class ResilientCall {
    private static final Runnable NOTHING = () -> { };

    private final ProviderDispatcher dispatcher;
    private final Exchange exchange;
    private final ScheduledExecutorService executor;
    private final List<ModelCatalog.Candidate> plan;
    private final UpstreamOperation operation;
    private final boolean stream;
    private final CompletableFuture<Answer> result = new CompletableFuture<>();
    // confined to the executor
    private int modelIndex = -1;
    private int modelAttempts;
    private int attempts;
    private List<DeploymentConfig> order;
    private GatewayError lastError;
    private Given emptyAnswer;
    private Runnable cancelCurrent = NOTHING;
    /** The attempt whose request was sent and whose answer has not come: billed if abandoned. */
    private Attempt inFlight;

    ResilientCall(ProviderDispatcher dispatcher, Exchange exchange, List<ModelCatalog.Candidate> plan,
                  UpstreamOperation operation) {
        this.dispatcher = dispatcher;
        this.exchange = exchange;
        this.executor = exchange.executor();
        this.plan = plan;
        this.operation = operation;
        this.stream = operation instanceof UpstreamOperation.ChatStream;
    }

    CompletableFuture<Answer> start() {
        ScheduledFuture<?> deadline = executor.schedule(this::deadlineExpired,
                exchange.deadline().remaining().toNanos(), TimeUnit.NANOSECONDS);
        // The request fails on the executor (the deadline, or its client leaving on its event loop):
        // an attempt still in flight is noted as billed before anyone downstream learns of the failure.
        CompletableFuture<Answer> answered = result.whenComplete((answer, error) -> {
            deadline.cancel(false);
            if (error != null) {
                abandoned();
                executor.execute(() -> cancelCurrent.run());
            }
        });
        exchange.cancellation().onCancel(() -> result.completeExceptionally(
                new CancellationException("the client went away")));
        executor.execute(this::nextModel);
        return answered;
    }

    private void deadlineExpired() {
        result.completeExceptionally(new TimeoutError("no answer within " + exchange.deadline().describe()
                + " (" + attempts + (attempts == 1 ? " attempt)" : " attempts)")));
    }

    private void nextModel() {
        if (result.isDone()) {
            return;
        }
        modelIndex++;
        if (modelIndex == plan.size()) {
            if (emptyAnswer != null) {
                succeed(emptyAnswer);
            } else {
                result.completeExceptionally(lastError != null ? lastError
                        : new InternalGatewayError("no model to try", null));
            }
            return;
        }
        modelAttempts = 0;
        order = operation.affinity() == null
                ? WeightedPicker.order(model().deployments(), DeploymentConfig::weight, dispatcher.random)
                : WeightedPicker.orderByAffinity(model().deployments(), DeploymentConfig::weight,
                        d -> d.provider() + '/' + d.upstreamModel(), operation.affinity());
        attempt();
    }

    private ModelConfig model() {
        return plan.get(modelIndex).model();
    }

    private void attempt() {
        cancelCurrent = NOTHING;
        if (result.isDone()) {
            return;
        }
        ModelConfig model = model();
        DeploymentConfig deployment = null;
        CircuitBreaker breaker = null;
        boolean served = false;
        for (int i = 0; i < order.size() && deployment == null; i++) {
            DeploymentConfig candidate = order.get((modelAttempts + i) % order.size());
            if (dispatcher.adapters.containsKey(candidate.provider())) {
                served = true;
                CircuitBreaker b = dispatcher.breakers.forProvider(candidate.provider());
                if (b.tryAcquire()) {
                    deployment = candidate;
                    breaker = b;
                }
            }
        }
        if (deployment == null) {
            skipModel(model, served);
            return;
        }
        modelAttempts++;
        attempts++;
        UpstreamAttempt info = new UpstreamAttempt(exchange.requestId(), model.name(), deployment.provider(),
                deployment.upstreamModel(), attempts, stream);
        dispatcher.listener.attemptStarted(info);
        ProviderAdapter adapter = dispatcher.adapters.get(deployment.provider());
        Attempt current = new Attempt(info, breaker, modelIndex, deployment, dispatcher.clock.instant());
        ModelConfig deployed = model.forDeployment(deployment);
        PropagatedHeaders.during(dispatcher.listener.headers(info), () -> call(adapter, deployed, current));
    }

    private void skipModel(ModelConfig model, boolean served) {
        String reason = served ? "circuit breaker open" : "no adapter for its providers";
        dispatcher.listener.modelSkipped(exchange.requestId(), model.name(), reason);
        if (lastError == null) {
            lastError = served
                    ? new UpstreamError(model.provider(), 0, "model '" + model.name() + "' is unavailable: "
                            + reason + " for every deployment", "circuit_open", true, null, null)
                    : new InternalGatewayError("no adapter for provider '" + model.provider() + "'", null);
        }
        nextModel();
    }

    private void call(ProviderAdapter adapter, ModelConfig model, Attempt current) {
        UpstreamOperation.Attempt attempt = operation.start(adapter, exchange.requestId(), model, executor);
        cancelCurrent = attempt.cancel();
        inFlight = current;
        attempt.answer().whenCompleteAsync((answer, error) -> {
            if (inFlight == current) {
                inFlight = null;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof CancellationException) {
                current.breaker.onAbandoned();
                dispatcher.listener.attemptFailed(current.info, AttemptOutcome.CANCELLED,
                        new TimeoutError("attempt cancelled before its answer"), current.elapsed());
            } else if (cause != null) {
                GatewayError failure = GatewayError.from(cause);
                if (failure instanceof TimeoutError) {
                    // Sent and not answered in time: the provider may still have run (and billed) it.
                    billedWithoutAnswer(current);
                }
                failed(current, failure);
            } else if (operation.isEmpty(answer)) {
                answeredEmpty(current, answer);
            } else {
                succeeded(current, answer, attempt.cancel());
            }
        }, executor);
    }

    private void succeeded(Attempt current, Answer answer, Runnable discard) {
        current.breaker.onSuccess();
        dispatcher.listener.attemptSucceeded(current.info, current.elapsed());
        if (!succeed(new Given(answer, current.modelIndex, current.deployment))) {
            discard.run();
        }
    }

    private void answeredEmpty(Attempt current, Answer answer) {
        current.breaker.onSuccess();
        dispatcher.listener.attemptFailed(current.info, AttemptOutcome.EMPTY_ANSWER,
                new UpstreamError(current.info.provider(), 0, "model '" + current.info.model()
                        + "' gave an empty answer", "empty_answer", false, null, null), current.elapsed());
        if (result.isDone()) {
            discarded(new Given(answer, current.modelIndex, current.deployment));
            return;
        }
        if (emptyAnswer != null) {
            discarded(emptyAnswer);
        }
        emptyAnswer = new Given(answer, current.modelIndex, current.deployment);
        nextModel();
    }

    /** An answer the provider billed that the client will not get (an empty one, bettered by another). */
    private void discarded(Given given) {
        ModelCatalog.Candidate candidate = plan.get(given.modelIndex);
        Usage usage = given.answer instanceof Answer.Complete complete ? complete.completion().usage() : null;
        exchange.facts().billedAttempts().add(new BilledAttempt(given.deployment.provider(), candidate.model().name(),
                candidate.tier(), usage, BilledAttempt.DISCARDED));
    }

    /** The request ended (client gone, deadline) while an attempt was sent and unanswered: the provider may bill it. */
    private void abandoned() {
        Attempt current = inFlight;
        if (current == null) {
            return;
        }
        inFlight = null;
        billedWithoutAnswer(current);
    }

    private void billedWithoutAnswer(Attempt current) {
        ModelCatalog.Candidate candidate = plan.get(current.modelIndex);
        exchange.facts().billedAttempts().add(new BilledAttempt(current.deployment.provider(),
                candidate.model().name(), candidate.tier(), null, BilledAttempt.ABANDONED));
    }

    private void failed(Attempt current, GatewayError error) {
        AttemptOutcome outcome = classify(error);
        if (outcome == AttemptOutcome.REJECTED) {
            current.breaker.onSuccess();
        } else {
            current.breaker.onFailure();
        }
        dispatcher.listener.attemptFailed(current.info, outcome, error, current.elapsed());
        if (result.isDone()) {
            return;
        }
        if (outcome == AttemptOutcome.REJECTED) {
            result.completeExceptionally(error);
            return;
        }
        lastError = error;
        RetryPolicy policy = model().retry() != null ? model().retry() : dispatcher.retry;
        if (outcome != AttemptOutcome.FAILED && modelAttempts < policy.maxAttempts()) {
            Duration backoff = policy.backoff(modelAttempts, retryAfter(error), dispatcher.random);
            dispatcher.listener.retryScheduled(current.info, backoff);
            ScheduledFuture<?> timer = executor.schedule(this::attempt, backoff.toNanos(), TimeUnit.NANOSECONDS);
            cancelCurrent = () -> timer.cancel(false);
            return;
        }
        nextModel();
    }

    private boolean succeed(Given given) {
        if (result.isDone()) {
            return false;
        }
        if (emptyAnswer != null && emptyAnswer != given) {
            discarded(emptyAnswer);
        }
        ModelCatalog.Candidate candidate = plan.get(given.modelIndex);
        exchange.facts().served().setIfAbsent(new Served(given.deployment.provider(), candidate.model().name(),
                candidate.tier(), attempts, given.modelIndex > 0 ? plan.getFirst().model().name() : null));
        return result.complete(given.answer);
    }

    /**
     * Retryable: 408, 429, 5xx marked retryable, broken connections, timeouts. Rejected: other 4xx,
     * except 401, 403 and 404 from a provider, which say the gateway's key or model name is wrong
     * there (another model may serve). Everything else fails this model only.
     */
    static AttemptOutcome classify(GatewayError error) {
        if (error instanceof TimeoutError) {
            return AttemptOutcome.TIMEOUT;
        }
        int status = error instanceof UpstreamError u ? u.upstreamStatus() : error.status();
        if (error.retryable() || status == 429 || status == 408) {
            return AttemptOutcome.RETRYABLE_ERROR;
        }
        boolean gatewaySide = error instanceof UpstreamError && (status == 401 || status == 403 || status == 404);
        if (status >= 400 && status < 500 && !gatewaySide) {
            return AttemptOutcome.REJECTED;
        }
        return AttemptOutcome.FAILED;
    }

    private static Duration retryAfter(GatewayError error) {
        return switch (error) {
            case UpstreamError u -> u.retryAfter();
            case RateLimitedError r -> r.retryAfter();
            default -> null;
        };
    }

    /** An answer waiting to be given: which candidate and deployment gave it. */
    private record Given(Answer answer, int modelIndex, DeploymentConfig deployment) {
    }

    /** One upstream call in flight. */
    private final class Attempt {
        final UpstreamAttempt info;
        final CircuitBreaker breaker;
        final int modelIndex;
        final DeploymentConfig deployment;
        final Instant started;

        Attempt(UpstreamAttempt info, CircuitBreaker breaker, int modelIndex, DeploymentConfig deployment, Instant started) {
            this.info = info;
            this.breaker = breaker;
            this.modelIndex = modelIndex;
            this.deployment = deployment;
            this.started = started;
        }

        Duration elapsed() {
            return Duration.between(started, dispatcher.clock.instant());
        }
    }
}
