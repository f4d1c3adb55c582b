package dev.tiergate.server.http;

import dev.tiergate.server.auth.AuthFailures;
import dev.tiergate.server.requests.RequestListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The handlers of one client connection, in order (any {@link Channel}, so tests can use an {@code EmbeddedChannel}). */
final class GatewayChannelInitializer extends ChannelInitializer<Channel> {
    static final String READ_TIMEOUT = "request-read-timeout";
    static final String CODEC = "http-codec";
    static final String IDLE = "idle";
    static final String EXPECT_CONTINUE = "expect-continue";
    static final String AGGREGATOR = "aggregator";
    static final String GATEWAY = "gateway";

    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADER_BYTES = 32 * 1024;

    private final Map<GatewayHttpHandler.Route, Endpoint> routes;
    private final int maxRequestBytes;
    private final Duration idleTimeout;
    private final Duration requestReadTimeout;
    private final InFlightRequests inFlight;
    private final RequestListener listener;
    private final AuthFailures authFailures;

    GatewayChannelInitializer(Map<GatewayHttpHandler.Route, Endpoint> routes, int maxRequestBytes, Duration idleTimeout,
                              Duration requestReadTimeout, InFlightRequests inFlight, RequestListener listener) {
        this(routes, maxRequestBytes, idleTimeout, requestReadTimeout, inFlight, listener, AuthFailures.NONE);
    }

    /** {@code authFailures} counts this port's failed authentications and refuses addresses that made too many. */
    GatewayChannelInitializer(Map<GatewayHttpHandler.Route, Endpoint> routes, int maxRequestBytes, Duration idleTimeout,
                              Duration requestReadTimeout, InFlightRequests inFlight, RequestListener listener,
                              AuthFailures authFailures) {
        this.authFailures = authFailures;
        this.routes = Map.copyOf(routes);
        this.maxRequestBytes = maxRequestBytes;
        this.idleTimeout = idleTimeout;
        this.requestReadTimeout = requestReadTimeout;
        this.inFlight = inFlight;
        this.listener = listener;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        RequestReadTimeoutHandler readTimeout = new RequestReadTimeoutHandler(requestReadTimeout);
        p.addLast(READ_TIMEOUT, readTimeout);
        addCodec(p);
        addIdleTimeout(p);
        addAggregation(p);
        p.addLast(GATEWAY, new GatewayHttpHandler(routes, inFlight, listener, readTimeout, authFailures));
    }

    private static void addCodec(ChannelPipeline p) {
        p.addLast(CODEC, new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 8192));
    }

    private void addIdleTimeout(ChannelPipeline p) {
        p.addLast(IDLE, new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void addAggregation(ChannelPipeline p) {
        p.addLast(EXPECT_CONTINUE, new HttpServerExpectContinueHandler());
        p.addLast(AGGREGATOR, new RequestAggregator(maxRequestBytes));
    }
}
