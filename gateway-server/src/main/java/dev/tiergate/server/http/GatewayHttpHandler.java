package dev.tiergate.server.http;

import dev.tiergate.server.requests.RequestListener;
import dev.tiergate.core.error.NotFoundError;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per connection: routes each request to its endpoint and answers pipelined requests in
 * order (a request waits until the one before it is answered). Closes an idle connection only
 * when no request is in flight; a closed connection cancels its request.
 */
final class GatewayHttpHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(GatewayHttpHandler.class);

    private final Map<Route, Endpoint> routes;
    private final RequestListener listener;
    private final ArrayDeque<IncomingRequest> waiting = new ArrayDeque<>();
    private ServerExchange current;

    private final InFlightRequests inFlight;
    private final RequestReadTimeoutHandler readTimeout;

    /** {@code readTimeout} is this connection's slow-client clock, stopped when a whole request is read. */
    GatewayHttpHandler(Map<Route, Endpoint> routes, InFlightRequests inFlight, RequestListener listener,
                       RequestReadTimeoutHandler readTimeout) {
        this.inFlight = inFlight;
        this.routes = routes;
        this.listener = listener;
        this.readTimeout = readTimeout;
    }

    /** Method and path of an endpoint. */
    record Route(HttpMethod method, String path) {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest full)) {
            ctx.fireChannelRead(msg);
            return;
        }
        readTimeout.requestRead();
        IncomingRequest request;
        try {
            request = IncomingRequest.from(full);
        } finally {
            full.release();
        }
        if (current != null) {
            waiting.add(request);
        } else {
            start(ctx, request);
        }
    }

    private void start(ChannelHandlerContext ctx, IncomingRequest request) {
        ServerExchange exchange = new ServerExchange(ctx, request, newRequestId(), inFlight, () -> next(ctx), listener);
        current = exchange;
        try {
            Endpoint endpoint = routes.get(new Route(request.method(), request.path()));
            if (endpoint == null) {
                throw new NotFoundError("Unknown request URL: " + request.method() + " " + request.path()
                        + ". Please check the URL and method.", "unknown_url", null);
            }
            exchange.route(request.path());
            endpoint.handle(exchange);
        } catch (RuntimeException e) {
            exchange.fail(e);
        }
    }

    private void next(ChannelHandlerContext ctx) {
        current = null;
        IncomingRequest request = waiting.poll();
        if (request != null && ctx.channel().isActive()) {
            ctx.channel().eventLoop().execute(() -> start(ctx, request));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        waiting.clear();
        if (current != null) {
            current.channelClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null) {
            current.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && current == null) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
