package dev.tiergate.server.http;

import dev.tiergate.core.memory.ByteBudget;
import dev.tiergate.core.config.ServerConfig;
import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.auth.AuthFailures;
import dev.tiergate.server.health.Readiness;
import dev.tiergate.server.responses.ResponseStore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front: binds the API port and, apart from it, the management port, and maps each
 * endpoint to its path. The API port serves the OpenAI-compatible routes and the probes; the
 * management port (by default on 127.0.0.1) serves {@code /metrics}, {@code /admin/*} and the
 * probes, so what tells about the gateway or changes it is not reachable where the API is.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

    private final Channel channel;
    private final Channel management;
    private final AtomicBoolean ready;
    private final InFlightRequests inFlight;
    private final Duration shutdownGrace;

    private GatewayServer(Channel channel, Channel management, AtomicBoolean ready, InFlightRequests inFlight,
                          Duration shutdownGrace) {
        this.channel = channel;
        this.management = management;
        this.ready = ready;
        this.inFlight = inFlight;
        this.shutdownGrace = shutdownGrace;
    }

    /**
     * Binds and starts serving, each request from the {@code state} current when it arrives, with
     * {@code POST /admin/reload} calling {@code reloader}. {@code /readyz} fails while the server
     * drains, while the stores of limits and usage are unreachable, and while {@code health} says so.
     * {@code authFailures} counts the API port's failed authentications and refuses addresses that
     * made too many; the management port (admin keys, dashboard logins) gets the same limit with its
     * own count per address. {@code responses} holds the Responses API's stored responses and token counter.
     */
    public static GatewayServer start(ServerConfig config, EventLoopGroup group, Supplier<ServingState> state,
                                      ServerAccounting accounting, ConfigReloader reloader, Readiness health,
                                      AuthFailures authFailures, ResponsesServices responses)
            throws InterruptedException {
        return start(config, group, state, accounting, reloader, health, authFailures, responses, null);
    }

    /** As above, with the admin API ({@code /admin/cache}, {@code /admin/keys}, ...; null: none) on the management port. */
    public static GatewayServer start(ServerConfig config, EventLoopGroup group, Supplier<ServingState> state,
                                      ServerAccounting accounting, ConfigReloader reloader, Readiness health,
                                      AuthFailures authFailures, ResponsesServices responses, AdminApi admin)
            throws InterruptedException {
        AtomicBoolean ready = new AtomicBoolean();
        InFlightRequests inFlight = new InFlightRequests();
        Endpoint readiness = HealthEndpoint.readiness(Readiness.all(List.of(
                () -> ready.get() ? null : inFlight.draining() ? "draining" : "starting",
                () -> accounting.storesReady().getAsBoolean() ? null : "the Redis of limits and usage is unreachable",
                health)));
        ByteBudget budget = new ByteBudget(config.overload().effectiveMaxBufferedRequestBytes());
        if (accounting.metrics() != null) {
            accounting.metrics().serverLoad(inFlight::count, budget::held);
        }
        Predicate<String> knownKey = authorization -> state.get().authenticator().recognises(authorization);
        Connections connections = new Connections(ConnectionSettings.of(config), inFlight, accounting, budget, knownKey);
        Channel api = bind("API", config.host(), config.port(), group, apiRoutes(state, accounting, readiness, responses),
                connections, authFailures);
        Channel management = null;
        if (config.managementEnabled()) {
            try {
                management = bind("management", config.managementHost(), config.managementPort(), group,
                        managementRoutes(state, accounting, reloader, readiness, admin), connections,
                        authFailures.withOwnWindows());
            } catch (RuntimeException | InterruptedException e) {
                api.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
                throw e;
            }
        }
        ready.set(true);
        return new GatewayServer(api, management, ready, inFlight, config.shutdownGrace());
    }

    /** The OpenAI-compatible routes, Anthropic's Messages API, the usage report and the probes. */
    private static Map<GatewayHttpHandler.Route, Endpoint> apiRoutes(Supplier<ServingState> state,
                                                                      ServerAccounting accounting, Endpoint readiness,
                                                                      ResponsesServices responses) {
        Map<GatewayHttpHandler.Route, Endpoint> routes = new LinkedHashMap<>();
        routes.put(new GatewayHttpHandler.Route(HttpMethod.POST, "/v1/chat/completions"),
                new ChatCompletionsEndpoint(state));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/v1/models"), new ModelsEndpoint(state));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.POST, "/v1/embeddings"),
                new EmbeddingsEndpoint(state));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.POST, "/v1/feedback"), new FeedbackEndpoint(state));
        addResponses(routes, state, responses, accounting.clock());
        routes.put(new GatewayHttpHandler.Route(HttpMethod.POST, "/v1/messages"), new MessagesEndpoint(state));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.POST, "/v1/messages/count_tokens"),
                new MessageTokensEndpoint(state, responses.tokens()));
        if (accounting.usage() != null) {
            routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/v1/usage"),
                    new UsageEndpoint(state, accounting.usage(), accounting.clock()));
        }
        addProbes(routes, readiness);
        return routes;
    }

    /**
     * The Responses API: create on the chat pipeline; retrieve (or replay as events), delete, cancel
     * and list the input of stored responses; count input tokens.
     */
    private static void addResponses(Map<GatewayHttpHandler.Route, Endpoint> routes, Supplier<ServingState> state,
                                     ResponsesServices services, Clock clock) {
        ResponseStore store = services.store();
        routes.put(new GatewayHttpHandler.Route(HttpMethod.POST, "/v1/responses"),
                new ResponsesEndpoint(state, store, clock));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/v1/responses/{id}"),
                new ResponseResourceEndpoint(state, store, ResponseResourceEndpoint.Action.RETRIEVE));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.DELETE, "/v1/responses/{id}"),
                new ResponseResourceEndpoint(state, store, ResponseResourceEndpoint.Action.DELETE));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/v1/responses/{id}/input_items"),
                new ResponseResourceEndpoint(state, store, ResponseResourceEndpoint.Action.INPUT_ITEMS));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.POST, "/v1/responses/{id}/cancel"),
                new ResponseResourceEndpoint(state, store, ResponseResourceEndpoint.Action.CANCEL));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.POST, "/v1/responses/input_tokens"),
                new ResponseInputTokensEndpoint(state, services));
    }

    /** Metrics, the admin routes and the probes. */
    private static Map<GatewayHttpHandler.Route, Endpoint> managementRoutes(Supplier<ServingState> state,
                                                                             ServerAccounting accounting,
                                                                             ConfigReloader reloader,
                                                                             Endpoint readiness, AdminApi admin) {
        Map<GatewayHttpHandler.Route, Endpoint> routes = new LinkedHashMap<>();
        if (accounting.metrics() != null) {
            routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/metrics"), new MetricsEndpoint(accounting.metrics()));
        }
        routes.put(new GatewayHttpHandler.Route(HttpMethod.POST, "/admin/reload"),
                new AdminReloadEndpoint(state, reloader, admin == null ? null : admin.audit(), accounting.clock()));
        routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/admin/routing/{team}"), new AdminRoutingEndpoint(state));
        DashboardAssetsEndpoint dashboardAssets = new DashboardAssetsEndpoint();   // the dashboard's pages
        for (String path : DashboardAssetsEndpoint.ROUTES) {
            routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, path), dashboardAssets);
        }
        if (admin != null) {
            addAdmin(routes, state, admin, accounting.clock());
        }
        if (admin != null && accounting.dashboard() != null) {
            routes.putAll(DashboardRoutes.of(state, accounting, admin));   // the dashboard's API (docs/dashboard.md)
        }
        addProbes(routes, readiness);
        return routes;
    }

    /** The admin API: caches, virtual keys, teams' routing, the audit log. */
    private static void addAdmin(Map<GatewayHttpHandler.Route, Endpoint> routes, Supplier<ServingState> state,
                                 AdminApi admin, Clock clock) {
        java.util.function.BiConsumer<String, Endpoint> route = (methodAndPath, endpoint) -> {
            String[] parts = methodAndPath.split(" ", 2);
            routes.put(new GatewayHttpHandler.Route(HttpMethod.valueOf(parts[0]), parts[1]), endpoint);
        };
        for (AdminCacheEndpoint.Action action : AdminCacheEndpoint.Action.values()) {
            route.accept(action.route, new AdminCacheEndpoint(state, admin, clock, action));
        }
        for (AdminKeysEndpoint.Action action : AdminKeysEndpoint.Action.values()) {
            route.accept(action.route, new AdminKeysEndpoint(state, admin, clock, action));
        }
        for (AdminTeamsEndpoint.Action action : AdminTeamsEndpoint.Action.values()) {
            route.accept(action.route, new AdminTeamsEndpoint(state, admin, clock, action));
        }
        route.accept("GET /admin/audit", new AdminAuditEndpoint(state, admin, clock));
    }

    private static void addProbes(Map<GatewayHttpHandler.Route, Endpoint> routes, Endpoint readiness) {
        routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/healthz"), HealthEndpoint.liveness());
        routes.put(new GatewayHttpHandler.Route(HttpMethod.GET, "/readyz"), readiness);
    }

    /** Listens on {@code host:port}; a port that cannot be bound fails with what it was for. */
    /** What the connections of both ports share. */
    private record Connections(ConnectionSettings settings, InFlightRequests inFlight, ServerAccounting accounting,
                               ByteBudget budget, Predicate<String> knownKey) {
    }

    private static Channel bind(String what, String host, int port, EventLoopGroup group,
                                Map<GatewayHttpHandler.Route, Endpoint> routes, Connections connections,
                                AuthFailures authFailures) throws InterruptedException {
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(ServerTransport.serverChannelFor(group))
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new GatewayChannelInitializer(routes, connections.settings(), connections.inFlight(),
                        connections.accounting().listener(), authFailures, connections.budget(),
                        connections.knownKey()))
                .bind(host, port)
                .await();
        if (!bound.isSuccess()) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + " (" + what + " port): "
                    + bound.cause().getMessage(), bound.cause() instanceof IOException io ? io
                    : new IOException(bound.cause()));
        }
        return bound.channel();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The bound management port, or -1 when none is served. */
    public int managementPort() {
        return management == null ? -1 : ((InetSocketAddress) management.localAddress()).getPort();
    }

    /**
     * Stops gracefully: {@code /readyz} fails, the API port stops accepting, answers ask clients to
     * close their connections, and in-flight requests and streams get up to the configured grace
     * period to finish; then the management port closes. Returns how many were still running when it ended.
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
        } finally {
            if (management != null) {
                management.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() {
        drain();
    }
}
