package dev.tiergate.server.http;

import dev.tiergate.core.config.ServerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP front: binds the port and maps each endpoint to its path. */
public final class GatewayServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

    private final Channel channel;
    private final AtomicBoolean ready;
    private final InFlightRequests inFlight;
    private final Duration shutdownGrace;

    private GatewayServer(Channel channel, AtomicBoolean ready, InFlightRequests inFlight, Duration shutdownGrace) {
        this.channel = channel;
        this.ready = ready;
        this.inFlight = inFlight;
        this.shutdownGrace = shutdownGrace;
    }

    /**
     * Binds and starts serving, each request from the {@code state} current when it arrives, with
     * {@code POST /admin/reload} calling {@code reloader}.
     */
    public static GatewayServer start(ServerConfig config, EventLoopGroup group, Supplier<ServingState> state,
                                      ServerAccounting accounting, ConfigReloader reloader)
            throws InterruptedException {
        AtomicBoolean ready = new AtomicBoolean();
        InFlightRequests inFlight = new InFlightRequests();
        Map<GatewayHttpHandler.Route, Endpoint> routes = new LinkedHashMap<>();
        routes.put(new GatewayHttpHandler.Route(HttpMethod.POST, "/v1/chat/completions"),
                new ChatCompletionsEndpoint(state));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/v1/models"), new ModelsEndpoint(state));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.POST, "/v1/embeddings"),
                new EmbeddingsEndpoint(state));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.POST, "/admin/reload"), new AdminReloadEndpoint(state, reloader));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/healthz"), HealthEndpoint.liveness());
        routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/readyz"), HealthEndpoint.readiness(
                () -> ready.get() && accounting.storesReady().getAsBoolean()));
        if (accounting.usage() != null) {
            routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/v1/usage"),
                    new UsageEndpoint(state, accounting.usage(), accounting.clock()));
        }
        if (accounting.metrics() != null) {
            routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/metrics"), new MetricsEndpoint(accounting.metrics()));
        }
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(new GatewayChannelInitializer(routes, config.maxRequestBytes(), config.idleTimeout(),
                        config.requestReadTimeout(), inFlight, accounting.listener()))
                .bind(config.host(), config.port())
                .sync()
                .channel();
        ready.set(true);
        return new GatewayServer(channel, ready, inFlight, config.shutdownGrace());
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /**
     * Stops gracefully: {@code /readyz} fails, the port stops accepting, answers ask clients to
     * close their connections, and in-flight requests and streams get up to the configured grace
     * period to finish. Returns how many were still running when it ended.
     */
    public int drain() {
        ready.set(false);
        inFlight.startDraining();
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        int running = inFlight.count();
        if (running > 0) {
            log.info("draining: {} requests in flight, waiting up to {}s", running, shutdownGrace.toSeconds());
        }
        try {
            int left = inFlight.awaitIdle(shutdownGrace);
            if (left > 0) {
                log.warn("drain grace of {}s over: {} requests still in flight are cut off", shutdownGrace.toSeconds(),
                        left);
            } else if (running > 0) {
                log.info("drained: every in-flight request finished");
            }
            return left;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return inFlight.count();
        }
    }

    @Override
    public void close() {
        drain();
    }
}
