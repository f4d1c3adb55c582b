package dev.tiergate.server.http;

import dev.tiergate.core.memory.ByteBudget;
import dev.tiergate.server.auth.AuthFailures;
import dev.tiergate.server.requests.RequestListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The handlers of one client connection, in order (any {@link Channel}, so tests can use an {@code EmbeddedChannel}). */
final class GatewayChannelInitializer extends ChannelInitializer<Channel> {
    static final String READ_TIMEOUT = "request-read-timeout";
    static final String CODEC = "http-codec";
    static final String IDLE = "idle";
    static final String EXPECT_CONTINUE = "expect-continue";
    static final String AGGREGATOR = "aggregator";
    static final String GATEWAY = "gateway";

    static final String HEAD_GATE = "head-gate";
    static final String WRITE_STALL = "write-stall";

    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADER_BYTES = 32 * 1024;

    private final Map<GatewayHttpHandler.Route, Endpoint> routes;
    private final ConnectionSettings settings;
    private final InFlightRequests inFlight;
    private final RequestListener listener;
    private final AuthFailures authFailures;
    private final ByteBudget budget;
    private final Predicate<String> knownKey;

    /**
     * {@code authFailures} counts this port's failed authentications and refuses addresses that made
     * too many; {@code budget} is shared by every connection of the gateway; {@code knownKey} tells
     * whether an {@code Authorization} header value carries a key of the gateway (bodies over
     * {@link RequestHeadGate#PRE_AUTH_BODY_BYTES} are read only with one).
     */
    GatewayChannelInitializer(Map<GatewayHttpHandler.Route, Endpoint> routes, ConnectionSettings settings,
                              InFlightRequests inFlight, RequestListener listener, AuthFailures authFailures,
                              ByteBudget budget, Predicate<String> knownKey) {
        this.routes = Map.copyOf(routes);
        this.settings = settings;
        this.inFlight = inFlight;
        this.listener = listener;
        this.authFailures = authFailures;
        this.budget = budget;
        this.knownKey = knownKey;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        RequestReadTimeoutHandler readTimeout = new RequestReadTimeoutHandler(settings.requestReadTimeout());
        ConnectionBodies bodies = new ConnectionBodies(budget);
        p.addLast(READ_TIMEOUT, readTimeout);
        addCodec(p);
        addIdleTimeout(p);
        p.addLast(WRITE_STALL, new WriteStallTimeout(settings.writeTimeout()));
        p.addLast(HEAD_GATE, new RequestHeadGate(bodies, knownKey, settings.maxRequestBytes()));
        addAggregation(p);
        p.addLast(GATEWAY, new GatewayHttpHandler(routes, inFlight, listener, readTimeout, authFailures, bodies,
                settings.maxInFlight()));
    }

    private static void addCodec(ChannelPipeline p) {
        p.addLast(CODEC, new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 8192));
    }

    private void addIdleTimeout(ChannelPipeline p) {
        p.addLast(IDLE, new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    }

    private void addAggregation(ChannelPipeline p) {
        p.addLast(EXPECT_CONTINUE, new HttpServerExpectContinueHandler());
        p.addLast(AGGREGATOR, new RequestAggregator(settings.maxRequestBytes()));
    }
}
