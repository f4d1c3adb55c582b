package dev.tiergate.server.http;

import dev.tiergate.core.error.GatewayError;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request being answered on one connection. Endpoints answer through it exactly once; it
 * keeps the connection's keep-alive state, logs the outcome (never the prompt), and tells the
 * connection handler when the next pipelined request may start.
 */
final class ServerExchange {
    private static final Logger access = LoggerFactory.getLogger("tiergate.access");

    final ChannelHandlerContext ctx;
    final IncomingRequest request;
    final String requestId;
    private final long startNanos = System.nanoTime();
    private final Runnable onDone;
    private final InFlightRequests inFlight;
    private Runnable onCancel = () -> { };
    private Runnable onWritable = () -> { };
    private boolean done;
    private String team = "-";
    private String model = "-";

    ServerExchange(ChannelHandlerContext ctx, IncomingRequest request, String requestId, InFlightRequests inFlight,
                   Runnable onDone) {
        this.ctx = ctx;
        this.request = request;
        this.requestId = requestId;
        this.inFlight = inFlight;
        this.onDone = onDone;
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
            future.addListener(ChannelFutureListener.CLOSE);
        }
        finish(response.status().code(), outcome);
    }

    void fail(Throwable t) {
        GatewayError error = GatewayError.from(t);
        if (error.status() >= 500 && !(error instanceof dev.tiergate.core.error.UpstreamError)
                && !(error instanceof dev.tiergate.core.error.TimeoutError)) {
            access.error("request {} failed inside the gateway", requestId, error.getCause() != null ? error.getCause() : error);
        }
        respond(HttpResponses.error(error, requestId), error.code());
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

    /** Marks the exchange answered (the caller has written the last bytes) and logs it. */
    void finish(int status, String outcome) {
        if (done) {
            return;
        }
        done = true;
        if (access.isInfoEnabled()) {
            access.info("request_id={} method={} path={} team={} model={} status={} outcome={} duration_ms={}",
                    requestId, request.method(), request.path(), team, model, status, outcome == null ? "-" : outcome,
                    String.format("%.2f", (System.nanoTime() - startNanos) / 1e6));
        }
        inFlight.finished();
        onDone.run();
    }

    void channelClosed() {
        if (!done) {
            done = true;
            inFlight.finished();
            onCancel.run();
            access.info("request_id={} path={} team={} model={} status=499 outcome=client_closed", requestId,
                    request.path(), team, model);
        }
    }

    void writabilityChanged() {
        if (!done && ctx.channel().isWritable()) {
            onWritable.run();
        }
    }
}
