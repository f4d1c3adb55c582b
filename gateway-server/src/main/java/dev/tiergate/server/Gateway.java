package dev.tiergate.server;

import dev.tiergate.cache.exact.EmbeddingCache;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.pipeline.Pipeline;
import dev.tiergate.core.pipeline.PipelineStage;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderDispatcher;
import dev.tiergate.core.resilience.UpstreamAttemptListener;
import dev.tiergate.server.accounting.Accounting;
import dev.tiergate.server.accounting.RequestLog;
import dev.tiergate.server.auth.ApiKeyAuthenticator;
import dev.tiergate.server.http.ServerAccounting;
import dev.tiergate.server.metrics.GatewayMetrics;
import dev.tiergate.server.metrics.UpstreamAttemptMetrics;
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
    private final PipelineStages stages;
    private final GatewayServer server;
    private Accounting accounting;
    private GatewayMetrics metrics;

    private Gateway(EventLoopGroup group, Map<String, ProviderAdapter> adapters, PipelineStages stages,
                    GatewayServer server) {
        this.group = group;
        this.adapters = adapters;
        this.stages = stages;
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
        PipelineStages stages = null;
        GatewayMetrics metrics = new GatewayMetrics(group);
        Accounting accounting = null;
        try {
            ProviderAdapterFactory factory = ProviderAdapters.factory();
            Map<String, ProviderAdapter> adapters = new LinkedHashMap<>();
            for (ProviderConfig provider : config.providers().values()) {
                adapters.put(provider.id(),
                        metrics.instrument(KeyRedactingAdapter.of(factory.create(provider), provider.apiKey())));
            }
            ModelCatalog catalog = new ModelCatalog(config);
            accounting = Accounting.create(config, catalog, metrics, clock);
            stages = PipelineStages.build(config, catalog);
            stages.bindMetrics(metrics.registry());
            List<PipelineStage> pipelineStages = new ArrayList<>(accounting.stages());
            pipelineStages.addAll(stages.stages());
            ProviderDispatcher dispatcher = ProviderDispatcher.builder(catalog, adapters)
                    .config(config)
                    .listener(UpstreamAttemptListener.both(new UpstreamAttemptLog(), new UpstreamAttemptMetrics(metrics)))
                    .build();
            Pipeline pipeline = Pipeline.of(pipelineStages, dispatcher);
            GatewayServer server = GatewayServer.start(config.server(), group,
                    new ApiKeyAuthenticator(config.teams().values(), config.accounting().adminKeys()), catalog, pipeline,
                    adapters, serverAccounting(config, accounting, metrics, clock),
                    config.exactCache().enabled() ? EmbeddingCache.of(PipelineStages.exactCacheSettings(config)) : null);
            Gateway gateway = new Gateway(group, adapters, stages, server);
            gateway.accounting = accounting;
            gateway.metrics = metrics;
            logBanner(config, pipeline, stages, server.port());
            return gateway;
        } catch (RuntimeException | InterruptedException e) {
            if (stages != null) {
                stages.close();
            }
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

    private static void logBanner(GatewayConfig config, Pipeline pipeline, PipelineStages stages, int port) {
        log.info("Tiergate {} listening on {}:{}", Main.version(), config.server().host(), port);
        config.providers().values().forEach(p -> log.info("provider {} ({}){}", p.id(), p.type(),
                p.baseUrl() == null ? "" : " at " + p.baseUrl()));
        log.info("models: {}", String.join(", ", config.models().keySet().stream().sorted().toList()));
        config.aliases().values().forEach(a -> log.info("alias {}: tiers {} (default {})", a.name(), a.tiers(), a.defaultTier()));
        log.info("stages: {}", pipeline.stages().isEmpty() ? "none"
                : String.join(" -> ", pipeline.stages().stream().map(PipelineStage::name).toList()));
        stages.descriptions().forEach(d -> log.info("  {}", d));
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
        stages.close();
        accounting.close();
        metrics.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
