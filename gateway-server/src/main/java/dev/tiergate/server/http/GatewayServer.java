package dev.tiergate.server.http;

import dev.tiergate.core.config.ServerConfig;
import dev.tiergate.core.pipeline.ChatHandler;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.server.auth.ApiKeyAuthenticator;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** The HTTP front: binds the port and maps each endpoint to its path. */
public final class GatewayServer implements AutoCloseable {
    private final Channel channel;
    private final AtomicBoolean ready;

    private GatewayServer(Channel channel, AtomicBoolean ready) {
        this.channel = channel;
        this.ready = ready;
    }

    /**
     * Binds and starts serving. {@code group} runs both the server connections and the upstream
     * calls made for them (each request stays on one event loop).
     */
    public static GatewayServer start(ServerConfig config, EventLoopGroup group, ApiKeyAuthenticator authenticator,
                                      ModelCatalog catalog, ChatHandler pipeline, Map<String, ProviderAdapter> adapters)
            throws InterruptedException {
        return start(config, group, authenticator, catalog, pipeline, adapters, ServerAccounting.NONE);
    }

    /** As above, with the accounting endpoints ({@code /v1/usage}, {@code /metrics}) and the request listener. */
    public static GatewayServer start(ServerConfig config, EventLoopGroup group, ApiKeyAuthenticator authenticator,
                                      ModelCatalog catalog, ChatHandler pipeline, Map<String, ProviderAdapter> adapters,
                                      ServerAccounting accounting)
            throws InterruptedException {
        AtomicBoolean ready = new AtomicBoolean();
        Map<GatewayHttpHandler.Route, Endpoint> routes = new LinkedHashMap<>();
        routes.put(new GatewayHttpHandler.Route(HttpMethod.POST, "/v1/chat/completions"),
                new ChatCompletionsEndpoint(authenticator, pipeline, config.requestTimeout()));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/v1/models"), new ModelsEndpoint(authenticator, catalog));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.POST, "/v1/embeddings"),
                new EmbeddingsEndpoint(authenticator, catalog, adapters, config.requestTimeout()));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/healthz"), HealthEndpoint.liveness());
        routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/readyz"), HealthEndpoint.readiness(ready::get));
        if (accounting.usage() != null) {
            routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/v1/usage"),
                    new UsageEndpoint(authenticator, accounting.usage(), accounting.clock()));
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
                        accounting.listener()))
                .bind(config.host(), config.port())
                .sync()
                .channel();
        ready.set(true);
        return new GatewayServer(channel, ready);
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        ready.set(false);
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
