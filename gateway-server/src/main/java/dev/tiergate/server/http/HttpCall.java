package dev.tiergate.server.http;

import dev.tiergate.core.error.FatalErrors;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.server.requests.RequestListener;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request being answered on one connection. Endpoints answer through it exactly once; it
 * keeps the connection's keep-alive state, logs the outcome (never the prompt), and tells the
 * connection handler when the next pipelined request may start.
 */
final class HttpCall {
    private static final Logger log = LoggerFactory.getLogger(HttpCall.class);

    final ChannelHandlerContext ctx;
    final IncomingRequest request;
    final String requestId;
    private final long startNanos = System.nanoTime();
    private final Runnable onDone;
    private final InFlightRequests inFlight;
    private final RequestListener listener;
    /** Told of each error answered (failed authentications are counted per address). */
    private final Consumer<GatewayError> onError;
    private String route = "unmatched";
    private java.util.Map<String, String> pathParameters = java.util.Map.of();
    private String keyId;
    private RequestFacts facts;
    private Runnable onCancel = () -> { };
    private Runnable onWritable = () -> { };
    private boolean done;
    private boolean closesConnection;
    private String team;
    private String model;

    HttpCall(ChannelHandlerContext ctx, IncomingRequest request, String requestId, InFlightRequests inFlight,
                   Runnable onDone, RequestListener listener, Consumer<GatewayError> onError) {
        this.onError = onError;
        this.ctx = ctx;
        this.request = request;
        this.requestId = requestId;
        this.onDone = onDone;
        this.inFlight = inFlight;
        this.listener = listener;
        inFlight.started();
    }

    EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    /** Runs on this connection's event loop: inline when already there, else queued. */
    void onLoop(Runnable task) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    void describe(String teamId, String modelName) {
        this.team = teamId;
        this.model = modelName;
    }

    /** The authenticated caller and the model it asked for. */
    void describe(Caller caller, String modelName) {
        describe(caller.teamId(), modelName);
        this.keyId = caller.keyId();
    }

    /**
     * The endpoint path that matched, for metrics (never a raw, unmatched path: a route with
     * parameters is named by its pattern), and the parameters the request's path carries.
     */
    void route(String matched, java.util.Map<String, String> parameters) {
        this.route = matched;
        this.pathParameters = parameters;
    }

    /** A path parameter of the matched route ({@code id} of {@code /v1/responses/{id}}), or null. */
    String pathParameter(String name) {
        return pathParameters.get(name);
    }

    /** The facts of a paid request, read by the request log and metrics when the exchange finishes. */
    void attach(RequestFacts requestFacts) {
        this.facts = requestFacts;
    }

    void onCancel(Runnable action) {
        this.onCancel = action;
    }

    void onWritable(Runnable action) {
        this.onWritable = action;
    }

    boolean isDone() {
        return done;
    }

    /** Sends a whole response and finishes the exchange. */
    void respond(FullHttpResponse response, String outcome) {
        if (done) {
            response.release();
            return;
        }
        prepareHead(response);
        var future = ctx.writeAndFlush(response);
        if (!keepsConnection()) {
            closeAfter(future);
        }
        finish(response.status().code(), outcome);
    }

    void fail(Throwable t) {
        FatalErrors.escalate(t);
        if (done) {
            // the client went away (logged once when its connection closed): what fails after that is
            // the work it cancelled, not a fault of the gateway
            if (!(GatewayError.unwrap(t) instanceof java.util.concurrent.CancellationException)) {
                log.debug("request {} failed after its client went away: {}", requestId, t.toString());
            }
            return;
        }
        GatewayError error = GatewayError.from(t);
        onError.accept(error);
        if (error.status() >= 500 && !(error instanceof dev.tiergate.core.error.UpstreamError)
                && !(error instanceof dev.tiergate.core.error.TimeoutError)
                && !(error instanceof dev.tiergate.core.error.OverloadedError)) {
            log.error("request {} failed inside the gateway", requestId, error.getCause() != null ? error.getCause() : error);
        }
        respond(request.fromAnthropicClient() ? HttpResponses.anthropicError(error, requestId)
                : HttpResponses.error(error, requestId), error.code());
    }

    /** Sets connection headers on a response head that starts a stream or carries a whole body. */
    void prepareHead(HttpResponse head) {
        if (keepsConnection()) {
            if (!request.protocolIsHttp11()) {
                head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        } else {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
    }

    /** Whether the connection stays open after this answer: not while the gateway drains. */
    boolean keepsConnection() {
        return request.keepAlive() && !inFlight.draining();
    }

    /** Closes the connection once {@code lastWrite} is done; no request read after this one is run. */
    void closeAfter(ChannelFuture lastWrite) {
        closesConnection = true;
        lastWrite.addListener(ChannelFutureListener.CLOSE);
    }

    boolean closesConnection() {
        return closesConnection;
    }

    /** Marks the exchange answered (the caller has written the last bytes) and logs it. */
    void finish(int status, String outcome) {
        if (done) {
            return;
        }
        done = true;
        notifyListener(status, outcome);
        inFlight.finished();
        onDone.run();
    }

    void channelClosed() {
        if (!done) {
            done = true;
            onCancel.run();
            notifyListener(499, "client_closed");
            inFlight.finished();
        }
    }

    private void notifyListener(int status, String outcome) {
        try {
            listener.finished(new RequestListener.FinishedRequest(requestId, request.method().name(), route, status,
                    outcome, System.nanoTime() - startNanos, team, keyId, model, facts));
        } catch (RuntimeException e) {
            log.warn("request {}: request listener failed: {}", requestId, e.toString());
        }
    }

    void writabilityChanged() {
        if (!done && ctx.channel().isWritable()) {
            onWritable.run();
        }
    }
}
