package dev.tiergate.server.http;

import dev.tiergate.core.memory.ByteBudget;
import dev.tiergate.core.error.FatalErrors;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.RateLimitedError;
import dev.tiergate.server.auth.AuthFailures;
import dev.tiergate.server.requests.RequestListener;
import dev.tiergate.core.error.NotFoundError;
import dev.tiergate.core.error.OverloadedError;
import dev.tiergate.core.config.OverloadLimits;
import java.time.Duration;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per connection: routes each request to its endpoint and answers pipelined requests in
 * order (a request waits until the one before it is answered). A request that could not be read
 * (malformed, or over the size limit) is answered with its error in its turn. No request read
 * after one whose answer closes the connection is run. Closes an idle connection only when no
 * request is in flight; a closed connection cancels its request.
 *
 * <p>Memory per connection is bounded whatever the client does: while a request waits behind the
 * one being answered the connection is not read (so at most one whole request waits, and one is
 * being read), the next request starts only once the answers before it have left for the socket
 * (the connection is writable), and every body read holds its share of the gateway's
 * {@link ByteBudget} until it is answered. Past {@link OverloadLimits#maxInFlight()}
 * requests in flight, new ones (probes excepted) get {@code 503 overloaded} with {@code Retry-After}.
 */
final class GatewayHttpHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(GatewayHttpHandler.class);

    private final Map<Route, Endpoint> routes;
    private final RequestListener listener;
    private final ArrayDeque<IncomingRequest> waiting = new ArrayDeque<>();
    private HttpCall current;
    /** Set once the connection is ending: requests read from now on are dropped (RFC 9112, section 9.6). */
    private boolean closing;
    /** The error of a request that could not be read, answered once the requests before it are. */
    private GatewayError unreadable;
    /** Whether the unreadable request was an Anthropic client's, answered in Anthropic's shape. */
    private boolean unreadableFromAnthropic;
    /** Why the connection failed (a reset, a broken pipe), told in the one line logged when it closes. */
    private Throwable failure;

    private final InFlightRequests inFlight;
    private final RequestReadTimeoutHandler readTimeout;
    private final AuthFailures authFailures;
    private final ConnectionBodies bodies;
    private final int maxInFlight;
    /** The next request waits until the answers before it have left for the socket. */
    private boolean startWhenWritable;

    /**
     * {@code readTimeout} is this connection's slow-client clock, stopped when a whole request is
     * read; {@code authFailures} is told of failed authentications and refuses an address that made
     * too many (the probes excepted).
     */
    GatewayHttpHandler(Map<Route, Endpoint> routes, InFlightRequests inFlight, RequestListener listener,
                       RequestReadTimeoutHandler readTimeout, AuthFailures authFailures, ConnectionBodies bodies,
                       int maxInFlight) {
        this.bodies = bodies;
        this.maxInFlight = maxInFlight;
        this.inFlight = inFlight;
        this.routes = routes;
        this.listener = listener;
        this.readTimeout = readTimeout;
        this.authFailures = authFailures;
    }

    /**
     * Method and path of an endpoint. A path segment in braces ({@code /v1/responses/{id}}) is a
     * parameter: it matches any one non-empty segment, which the endpoint reads by name.
     */
    record Route(HttpMethod method, String path) {

        boolean hasParameters() {
            return path.indexOf('{') >= 0;
        }

        /** The parameters of {@code requestPath} when this route matches it; null when it does not. */
        Map<String, String> match(HttpMethod requestMethod, String requestPath) {
            if (!method.equals(requestMethod)) {
                return null;
            }
            String[] pattern = path.split("/", -1);
            String[] actual = requestPath.split("/", -1);
            if (pattern.length != actual.length) {
                return null;
            }
            Map<String, String> parameters = new java.util.HashMap<>();
            for (int i = 0; i < pattern.length; i++) {
                String segment = pattern[i];
                if (segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}")) {
                    if (actual[i].isEmpty()) {
                        return null;
                    }
                    parameters.put(segment.substring(1, segment.length() - 1), actual[i]);
                } else if (!segment.equals(actual[i])) {
                    return null;
                }
            }
            return Map.copyOf(parameters);
        }
    }

    /** The endpoint a request goes to, the route it matched and the path parameters it carries. */
    private record Matched(Route route, Endpoint endpoint, Map<String, String> parameters) {
    }

    /** An exact route first, else the first route with parameters that matches; null when none does. */
    private Matched find(HttpMethod method, String path) {
        Route exact = new Route(method, path);
        Endpoint endpoint = routes.get(exact);
        if (endpoint != null) {
            return new Matched(exact, endpoint, Map.of());
        }
        for (Map.Entry<Route, Endpoint> route : routes.entrySet()) {
            Map<String, String> parameters = route.getKey().hasParameters()
                    ? route.getKey().match(method, path) : null;
            if (parameters != null) {
                return new Matched(route.getKey(), route.getValue(), parameters);
            }
        }
        return null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest full)) {
            ctx.fireChannelRead(msg);
            return;
        }
        readTimeout.requestRead();
        long reserved = bodies.claim();
        if (closing) {
            full.release();
            bodies.release(reserved);
            return;
        }
        DecoderResult result = full.decoderResult();
        IncomingRequest request;
        try {
            request = result.isFailure() ? null : IncomingRequest.from(full, reserved);
        } finally {
            full.release();
        }
        // Not idle while a request is answered or queued to start next: this one waits its turn.
        boolean idle = current == null && waiting.isEmpty();
        if (request != null) {
            waiting.add(request);
            closing = request.refusal() != null;
        } else {
            bodies.release(reserved);
            closing = true;
            unreadable = unreadable(result.cause());
            unreadableFromAnthropic = AnthropicClients.asks(full.uri(), full.headers());
        }
        if (idle) {
            startNext(ctx);
        } else {
            pauseReading(ctx);
        }
    }

    /** A request waits its turn: read no more of the connection until it starts. */
    private void pauseReading(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(false);
        readTimeout.pause();
    }

    private void resumeReading(ChannelHandlerContext ctx) {
        readTimeout.resume();
        ctx.channel().config().setAutoRead(true);
    }

    /** Starts the next request read, or answers the unreadable one once all before it are answered. */
    private void startNext(ChannelHandlerContext ctx) {
        if (current != null || !ctx.channel().isActive()) {
            return;
        }
        if (!ctx.channel().isWritable()) {
            startWhenWritable = true;
            return;
        }
        startWhenWritable = false;
        IncomingRequest request = waiting.poll();
        if (waiting.isEmpty() && !closing) {
            resumeReading(ctx);
        }
        if (request != null) {
            start(ctx, request);
        } else if (unreadable != null) {
            reject(ctx);
        }
    }

    private void start(ChannelHandlerContext ctx, IncomingRequest request) {
        InetAddress client = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        HttpCall call = new HttpCall(ctx, request, newRequestId(), inFlight, () -> next(ctx), listener,
                error -> authFailures.observe(client, error));
        current = call;
        listener.started(call.requestId, request.method().name(), request.path(), request::header);
        try {
            Matched matched = find(request.method(), request.path());
            Endpoint endpoint = matched == null ? null : matched.endpoint();
            boolean probe = endpoint instanceof HealthEndpoint;
            RateLimitedError refused = probe ? null : authFailures.refusal(client);
            if (refused != null) {
                throw refused;
            }
            if (!probe && inFlight.count() > maxInFlight) {
                throw new OverloadedError("The gateway is answering as many requests as it may now"
                        + " (server.max-in-flight); retry shortly.", Duration.ofSeconds(1));
            }
            if (endpoint == null) {
                throw new NotFoundError("Unknown request URL: " + request.method() + " " + request.path()
                        + ". Please check the URL and method.", "unknown_url", null);
            }
            call.route(matched.route().path(), matched.parameters());
            endpoint.handle(call);
        } catch (RuntimeException e) {
            call.fail(e);
        }
    }

    /** The current call is answered. */
    private void next(ChannelHandlerContext ctx) {
        boolean closes = current.closesConnection();
        bodies.release(current.request.reservedBytes());
        current = null;
        if (closes) {
            closing = true;
            dropWaiting();
        } else if (!waiting.isEmpty() || unreadable != null) {
            ctx.channel().eventLoop().execute(() -> startNext(ctx));
        }
    }

    /** Drops the requests read but not started; their bodies go back to the budget. */
    private void dropWaiting() {
        for (IncomingRequest dropped : waiting) {
            bodies.release(dropped.reservedBytes());
        }
        waiting.clear();
        unreadable = null;
    }

    private void reject(ChannelHandlerContext ctx) {
        FullHttpResponse response = unreadableFromAnthropic ? HttpResponses.anthropicError(unreadable, null)
                : HttpResponses.error(unreadable, null);
        unreadable = null;
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** A {@link RequestAggregator} rejection as it is, or a 400 for a request the HTTP decoder could not parse. */
    private static GatewayError unreadable(Throwable cause) {
        return cause instanceof GatewayError error ? error
                : new InvalidRequestError("malformed HTTP request: " + cause.getMessage(), "bad_http_request", null);
    }

    /**
     * A client that goes away mid-request is routine: one DEBUG line with the request id (its
     * request is logged as 499 {@code client_closed} too), never an error with a stack trace.
     */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        dropWaiting();
        bodies.releaseAll();
        if (current != null) {
            log.debug("request {}: the client went away before the answer ended ({})", current.requestId,
                    failure == null ? "connection closed" : failure.toString());
            current.channelClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null) {
            current.writabilityChanged();
        } else if (startWhenWritable && ctx.channel().isWritable()) {
            startNext(ctx);
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
        FatalErrors.escalate(cause);
        if (failure == null) {
            failure = cause;
            if (current == null) {
                log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            }
        }
        ctx.close();
    }

    private static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
