package dev.tiergate.core.provider;


import dev.tiergate.core.config.DeploymentConfig;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.InternalGatewayError;
import dev.tiergate.core.error.RateLimitedError;
import dev.tiergate.core.error.TimeoutError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.StreamOptions;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.pipeline.ChatExchange;
import dev.tiergate.core.pipeline.ChatResult;
import dev.tiergate.core.pipeline.ResultMetadata;
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
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;

/**
 * One request's way through its candidate models. Each model is tried up to its retry policy's
 * attempts, each attempt on the next deployment in a weighted order whose breaker lets it through;
 * a model whose deployments are all open is skipped. Retryable failures (429, 5xx, broken
 * connections, timeouts) are retried after a backoff, then the next model is tried; other
 * failures of the provider and empty answers go to the next model at once; a request the provider
 * refused (400 and the like) is returned at once. A stream counts as answered with its first chunk
 * (nothing reaches the client before), and later errors pass to the client. One deadline bounds
 * it all. All state is confined to the exchange's executor, where backoffs are scheduled too.
 */
final class ResilientCall {
    private static final Runnable NOTHING = () -> { };

    private final ProviderDispatcher dispatcher;
    private final ChatExchange exchange;
    private final ScheduledExecutorService executor;
    private final List<ModelCatalog.Candidate> plan;
    private final boolean stream;
    private final CompletableFuture<ChatResult> result = new CompletableFuture<>();
    // confined to the executor
    private int modelIndex = -1;
    private int modelAttempts;
    private int attempts;
    private List<DeploymentConfig> order;
    private GatewayError lastError;
    private Answer emptyAnswer;
    private Runnable cancelCurrent = NOTHING;

    ResilientCall(ProviderDispatcher dispatcher, ChatExchange exchange, List<ModelCatalog.Candidate> plan) {
        this.dispatcher = dispatcher;
        this.exchange = exchange;
        this.executor = exchange.executor();
        this.plan = plan;
        this.stream = exchange.request().isStream();
    }

    CompletableFuture<ChatResult> start() {
        ScheduledFuture<?> deadline = executor.schedule(this::deadlineExpired,
                dispatcher.deadline.toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((answer, error) -> {
            deadline.cancel(false);
            if (error != null) {
                executor.execute(() -> cancelCurrent.run());
            }
        });
        exchange.cancellation().onCancel(() -> result.completeExceptionally(
                new java.util.concurrent.CancellationException("the client went away")));
        executor.execute(this::nextModel);
        return result;
    }

    private void deadlineExpired() {
        result.completeExceptionally(new TimeoutError("no answer within " + describe(dispatcher.deadline)
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
        order = WeightedPicker.order(model().deployments(), DeploymentConfig::weight, dispatcher.random);
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
        ChatRequest upstream = exchange.request().withModel(deployment.upstreamModel());
        if (stream) {
            // Streams always ask for the provider's usage, so accounting need not estimate it; a
            // client that did not ask never sees it (the accounting stage removes it).
            upstream = upstream.withStream(true, StreamOptions.withUsage(upstream.streamOptions(), true));
        }
        ProviderCall call = new ProviderCall(exchange.requestId(), upstream, model.forDeployment(deployment), executor);
        Attempt current = new Attempt(info, breaker, modelIndex, deployment, dispatcher.clock.instant());
        if (stream) {
            callStream(adapter, call, current);
        } else {
            callComplete(adapter, call, current);
        }
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

    private void callComplete(ProviderAdapter adapter, ProviderCall call, Attempt current) {
        CompletionStage<ChatCompletion> answer = invoke(() -> adapter.chat(call), CompletableFuture::failedFuture);
        answer.whenCompleteAsync((completion, error) -> {
            if (error != null) {
                failed(current, GatewayError.from(error));
            } else if (isEmpty(completion)) {
                answeredEmpty(current, new ChatResult.Complete(completion, ResultMetadata.of(null, null)));
            } else {
                succeeded(current, new ChatResult.Complete(completion, ResultMetadata.of(null, null)), NOTHING);
            }
        }, executor);
    }

    private void callStream(ProviderAdapter adapter, ProviderCall call, Attempt current) {
        FirstChunkPeek peek = FirstChunkPeek.start(invoke(() -> adapter.chatStream(call), Flux::error));
        cancelCurrent = peek::cancel;
        peek.first().whenCompleteAsync((rest, error) -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof CancellationException) {
                current.breaker.onAbandoned();
                dispatcher.listener.attemptFailed(current.info, AttemptOutcome.CANCELLED,
                        new TimeoutError("attempt cancelled before its first chunk"), current.elapsed());
            } else if (cause != null) {
                failed(current, GatewayError.from(cause));
            } else {
                succeeded(current, new ChatResult.Streaming(rest, ResultMetadata.of(null, null)), peek::cancel);
            }
        }, executor);
    }

    /** An adapter that throws instead of failing its result fails the attempt all the same. */
    private static <T> T invoke(Supplier<T> call, Function<RuntimeException, T> failed) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return failed.apply(e);
        }
    }

    private void succeeded(Attempt current, ChatResult answer, Runnable discard) {
        current.breaker.onSuccess();
        dispatcher.listener.attemptSucceeded(current.info, current.elapsed());
        if (!succeed(new Answer(answer, current.modelIndex, current.deployment))) {
            discard.run();
        }
    }

    private void answeredEmpty(Attempt current, ChatResult answer) {
        current.breaker.onSuccess();
        dispatcher.listener.attemptFailed(current.info, AttemptOutcome.EMPTY_ANSWER,
                new UpstreamError(current.info.provider(), 0, "model '" + current.info.model()
                        + "' gave an empty answer", "empty_answer", false, null, null), current.elapsed());
        if (result.isDone()) {
            return;
        }
        emptyAnswer = new Answer(answer, current.modelIndex, current.deployment);
        nextModel();
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

    private boolean succeed(Answer answer) {
        ModelCatalog.Candidate candidate = plan.get(answer.modelIndex);
        ResultMetadata metadata = ResultMetadata.of(answer.deployment.provider(), candidate.model().name())
                .withTier(candidate.tier())
                .withHeader(ProviderDispatcher.ATTEMPTS_HEADER, Integer.toString(attempts));
        if (answer.modelIndex > 0) {
            metadata = metadata.withHeader(ProviderDispatcher.FALLBACK_FROM_HEADER, plan.getFirst().model().name());
        }
        return result.complete(answer.result.withMetadata(metadata));
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

    /** No choice carries text or tool calls: an empty answer, or one cut off (length) before any. */
    static boolean isEmpty(ChatCompletion completion) {
        for (ChatCompletion.Choice choice : completion.choices()) {
            Message message = choice.message();
            if (message != null && (!message.text().isBlank()
                    || (message.toolCalls() != null && !message.toolCalls().isEmpty()))) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** An answer waiting for its metadata: which candidate and deployment gave it. */
    private record Answer(ChatResult result, int modelIndex, DeploymentConfig deployment) {
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
