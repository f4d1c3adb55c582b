package dev.tiergate.core.pipeline;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.error.GatewayError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered, immutable list of stages in front of a terminal handler. A stage that throws is
 * skipped when it fails open and fails the request when it fails closed; a {@link GatewayError}
 * is always an intended answer and passes through. Stages that fail asynchronously (a store that
 * is down) handle that themselves, according to their policy.
 */
public final class Pipeline implements ChatHandler {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final List<PipelineStage> stages;
    private final ChatHandler terminal;

    private Pipeline(List<PipelineStage> stages, ChatHandler terminal) {
        this.stages = stages;
        this.terminal = terminal;
    }

    public static Pipeline of(List<? extends PipelineStage> stages, ChatHandler terminal) {
        List<PipelineStage> sorted = new ArrayList<>(stages);
        sorted.sort(Comparator.comparingInt(PipelineStage::order));
        return new Pipeline(List.copyOf(sorted), requireNonNull(terminal, "terminal"));
    }

    public List<PipelineStage> stages() {
        return stages;
    }

    @Override
    public CompletionStage<ChatResult> handle(ChatExchange exchange) {
        return proceed(0, exchange);
    }

    private CompletionStage<ChatResult> proceed(int index, ChatExchange exchange) {
        if (index == stages.size()) {
            return invoke(terminal, exchange);
        }
        PipelineStage stage = stages.get(index);
        PipelineStage.StageChain next = ex -> proceed(index + 1, ex);
        CompletionStage<ChatResult> result;
        try {
            result = stage.handle(exchange, next);
        } catch (GatewayError e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return stageFailed(stage, index, exchange, e);
        }
        return result;
    }

    private CompletionStage<ChatResult> stageFailed(PipelineStage stage, int index, ChatExchange exchange,
                                                    RuntimeException e) {
        if (stage.failurePolicy() == FailurePolicy.FAIL_CLOSED) {
            log.error("stage {} failed, request {} rejected", stage.name(), exchange.requestId(), e);
            return CompletableFuture.failedFuture(GatewayError.from(e));
        }
        log.warn("stage {} failed, skipped for request {}: {}", stage.name(), exchange.requestId(), e.toString());
        return proceed(index + 1, exchange);
    }

    private static CompletionStage<ChatResult> invoke(ChatHandler handler, ChatExchange exchange) {
        try {
            return handler.handle(exchange);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(GatewayError.from(e));
        }
    }
}
