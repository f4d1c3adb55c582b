package dev.tiergate.server;

import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.pipeline.Pipeline;
import dev.tiergate.core.pipeline.PipelineStage;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderDispatcher;
import dev.tiergate.server.auth.ApiKeyAuthenticator;
import dev.tiergate.server.http.GatewayServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.LinkedHashMap;
import java.util.Map;
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

    private Gateway(EventLoopGroup group, Map<String, ProviderAdapter> adapters, PipelineStages stages,
                    GatewayServer server) {
        this.group = group;
        this.adapters = adapters;
        this.stages = stages;
        this.server = server;
    }

    public static Gateway start(GatewayConfig config) throws InterruptedException {
        int threads = config.server().ioThreads() > 0 ? config.server().ioThreads()
                : Runtime.getRuntime().availableProcessors();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        PipelineStages stages = null;
        try {
            ProviderAdapterFactory factory = ProviderAdapters.factory();
            Map<String, ProviderAdapter> adapters = new LinkedHashMap<>();
            for (ProviderConfig provider : config.providers().values()) {
                adapters.put(provider.id(), KeyRedactingAdapter.of(factory.create(provider), provider.apiKey()));
            }
            ModelCatalog catalog = new ModelCatalog(config);
            stages = PipelineStages.build(config, catalog);
            ProviderDispatcher dispatcher = ProviderDispatcher.builder(catalog, adapters)
                    .config(config)
                    .listener(new UpstreamAttemptLog())
                    .build();
            Pipeline pipeline = Pipeline.of(stages.stages(), dispatcher);
            GatewayServer server = GatewayServer.start(config.server(), group,
                    new ApiKeyAuthenticator(config.teams().values()), catalog, pipeline, adapters);
            Gateway gateway = new Gateway(group, adapters, stages, server);
            logBanner(config, pipeline, stages, server.port());
            return gateway;
        } catch (RuntimeException | InterruptedException e) {
            if (stages != null) {
                stages.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
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

    @Override
    public void close() {
        server.close();
        adapters.values().forEach(ProviderAdapter::close);
        stages.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
