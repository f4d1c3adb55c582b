package dev.tiergate.core.pipeline;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One stage of a pipeline: only its own logic. {@link #before} looks at the request and says what
 * to do with a {@link StageStep}: proceed (possibly with a changed request, possibly with a hook
 * that sees the answer on its way back) or respond at once (a cache hit). It may complete on
 * any thread; the {@link Pipeline} runner resumes on the request's event loop, applies the
 * stage's {@link FailurePolicy} to synchronous and asynchronous failures alike, and times and
 * counts every step by stage name. A {@link dev.tiergate.core.error.GatewayError} is an intended
 * answer (a refusal) and always reaches the client.
 */
public interface PipelineStage {

    /** Short stable name for logs and metrics, e.g. {@code exact-cache}. */
    String name();

    FailurePolicy failurePolicy();

    CompletionStage<StageStep> before(Exchange exchange);

    /** The stage's own measures beyond its steps; none by default. */
    default List<StageMeter> meters() {
        return List.of();
    }
}
