package dev.tiergate.server;

import dev.tiergate.cache.exact.ExactCacheSettings;
import dev.tiergate.cache.exact.ExactCacheStage;
import dev.tiergate.core.config.ExactCacheConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.TeamCacheConfig;
import dev.tiergate.core.config.TeamConfig;
import java.time.Duration;
import java.util.HashMap;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.pipeline.Pipeline;
import dev.tiergate.core.pipeline.PipelineStage;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderDispatcher;
import dev.tiergate.server.accounting.Accounting;
import dev.tiergate.server.accounting.RequestLog;
import dev.tiergate.server.auth.ApiKeyAuthenticator;
import dev.tiergate.server.http.ServerAccounting;
import dev.tiergate.server.metrics.GatewayMetrics;
import java.time.Clock;
import dev.tiergate.server.http.GatewayServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds adapters, stages and the pipeline from the config and starts the
 * HTTP server. The only place that knows every module.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final EventLoopGroup group;
    private final Map<String, ProviderAdapter> adapters;
    private final GatewayServer server;
    private Accounting accounting;
    private GatewayMetrics metrics;

    private Gateway(EventLoopGroup group, Map<String, ProviderAdapter> adapters, GatewayServer server) {
        this.group = group;
        this.adapters = adapters;
        this.server = server;
    }

    public static Gateway start(GatewayConfig config) throws InterruptedException {
        return start(config, Clock.systemUTC());
    }

    /** Starts with {@code clock} as the time of limits and usage records (tests move it). */
    public static Gateway start(GatewayConfig config, Clock clock) throws InterruptedException {
        int threads = config.server().ioThreads() > 0 ? config.server().ioThreads()
                : Runtime.getRuntime().availableProcessors();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        GatewayMetrics metrics = new GatewayMetrics(group);
        Accounting accounting = null;
        try {
            ProviderAdapterFactory factory = ProviderAdapters.factory();
            Map<String, ProviderAdapter> adapters = new LinkedHashMap<>();
            for (ProviderConfig provider : config.providers().values()) {
                adapters.put(provider.id(), metrics.instrument(factory.create(provider)));
            }
            ModelCatalog catalog = new ModelCatalog(config);
            List<PipelineStage> stages = new ArrayList<>();
            accounting = Accounting.create(config, catalog, metrics, clock);
            stages.addAll(accounting.stages());
            if (config.exactCache().enabled()) {
                stages.add(ExactCacheStage.of(exactCacheSettings(config)));
            }
            Pipeline pipeline = Pipeline.of(stages, new ProviderDispatcher(catalog, adapters));
            GatewayServer server = GatewayServer.start(config.server(), group,
                    new ApiKeyAuthenticator(config.teams().values(), config.accounting().adminKeys()), catalog, pipeline,
                    adapters, serverAccounting(config, accounting, metrics, clock));
            Gateway gateway = new Gateway(group, adapters, server);
            gateway.accounting = accounting;
            gateway.metrics = metrics;
            logBanner(config, pipeline, server.port());
            return gateway;
        } catch (RuntimeException | InterruptedException e) {
            if (accounting != null) {
                accounting.close();
            }
            metrics.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static ServerAccounting serverAccounting(GatewayConfig config, Accounting accounting, GatewayMetrics metrics,
                                                     Clock clock) {
        return new ServerAccounting(new RequestLog().andThen(metrics), accounting.usageStore(),
                config.accounting().metricsEnabled() ? metrics : null, clock);
    }

    private static ExactCacheSettings exactCacheSettings(GatewayConfig config) {
        ExactCacheConfig cache = config.exactCache();
        Map<String, Duration> ttls = new HashMap<>();
        Map<String, String> namespaces = new HashMap<>();
        Map<String, Boolean> nonDeterministic = new HashMap<>();
        for (TeamConfig team : config.teams().values()) {
            TeamCacheConfig t = team.cache();
            if (t.ttl() != null) {
                ttls.put(team.id(), t.ttl());
            }
            if (t.namespace() != null) {
                namespaces.put(team.id(), t.namespace());
            }
            nonDeterministic.put(team.id(), t.cacheNonDeterministic() != null ? t.cacheNonDeterministic()
                    : cache.cacheNonDeterministic());
        }
        return ExactCacheSettings.builder()
                .maxSizeMb(cache.maxSizeMb())
                .defaultTtl(cache.ttl())
                .teamTtls(ttls)
                .namespaces(namespaces)
                .cacheNonDeterministic(caller -> nonDeterministic.getOrDefault(caller.teamId(), cache.cacheNonDeterministic()))
                .build();
    }

    private static void logBanner(GatewayConfig config, Pipeline pipeline, int port) {
        log.info("Tiergate {} listening on {}:{}", Main.version(), config.server().host(), port);
        config.providers().values().forEach(p -> log.info("provider {} ({}){}", p.id(), p.type(),
                p.baseUrl() == null ? "" : " at " + p.baseUrl()));
        log.info("models: {}", String.join(", ", config.models().keySet().stream().sorted().toList()));
        config.aliases().values().forEach(a -> log.info("alias {}: tiers {} (default {})", a.name(), a.tiers(), a.defaultTier()));
        log.info("stages: {}", pipeline.stages().isEmpty() ? "none"
                : String.join(" -> ", pipeline.stages().stream().map(PipelineStage::name).toList()));
        log.info("teams: {}", config.teams().size());
    }

    public int port() {
        return server.port();
    }

    /** Completes when every usage record of the requests answered so far is stored. */
    public CompletionStage<Void> flushUsage() {
        return accounting.flush();
    }

    @Override
    public void close() {
        server.close();
        adapters.values().forEach(ProviderAdapter::close);
        accounting.close();
        metrics.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
