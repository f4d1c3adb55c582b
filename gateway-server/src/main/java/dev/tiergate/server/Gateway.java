package dev.tiergate.server;

import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.pipeline.Pipeline;
import io.micrometer.core.instrument.Meter;
import dev.tiergate.core.pipeline.PipelineStage;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderDispatcher;
import dev.tiergate.core.resilience.UpstreamAttemptListener;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import dev.tiergate.server.accounting.Accounting;
import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.admin.CacheAdmin;
import dev.tiergate.server.requests.RequestListener;
import dev.tiergate.server.telemetry.RequestSpans;
import dev.tiergate.server.telemetry.TraceIds;
import dev.tiergate.server.telemetry.Tracing;
import dev.tiergate.server.accounting.RequestLog;
import dev.tiergate.server.auth.ApiKeyAuthenticator;
import dev.tiergate.server.auth.AuthFailures;
import dev.tiergate.server.config.ConfigException;
import dev.tiergate.server.dashboard.Dashboard;
import dev.tiergate.server.fatal.ExitOnOutOfMemory;
import dev.tiergate.server.fatal.GuardedEventLoopGroup;
import dev.tiergate.server.health.HeapHeadroom;
import dev.tiergate.server.health.HeapReading;
import dev.tiergate.server.http.ConfigReloader;
import dev.tiergate.server.http.ServerAccounting;
import dev.tiergate.server.http.ResponsesServices;
import dev.tiergate.server.http.ServingState;
import dev.tiergate.server.metrics.GatewayMetrics;
import dev.tiergate.server.metrics.UpstreamAttemptMetrics;
import dev.tiergate.server.responses.ConfiguredResponseStore;
import dev.tiergate.server.responses.ResponsesPassthrough;
import java.io.IOException;
import java.time.Clock;
import dev.tiergate.server.http.GatewayServer;
import io.netty.channel.EventLoopGroup;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import dev.tiergate.server.http.ServerTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds adapters, stages and the pipeline from the config and starts the
 * HTTP server. The only place that knows every module.
 *
 * <p>A config reload builds the next {@link Serving} beside the running one and swaps it in; each
 * request keeps the one it started with. The event loops, metrics, usage store and limit counters
 * live as long as the gateway; unchanged adapters and stage parts (caches, ONNX models, worker
 * pools) are carried over, and what was replaced is closed after {@code server.shutdown-grace-seconds},
 * when the requests that started on it have had their time to finish.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final EventLoopGroup group;
    private final GatewayMetrics metrics;
    private final Accounting accounting;
    private final TokenCounter tokens;
    /** Where reloads read (with the model switches kept in Redis, when they are kept there); null: none. */
    private ReloadSource source;
    private final Clock clock;
    /** Traces (off unless telemetry.traces or OTEL_TRACES_EXPORTER ask for otlp); {@code spans} null when off. */
    private final Tracing tracing;
    private final RequestSpans spans;
    private final AtomicReference<Serving> current = new AtomicReference<>();
    /** The admin API's parts that live as long as the gateway (keys, audit, their Redis). */
    private AdminParts admin;
    /** The dashboard's sessions and what it keeps of requests (the log's tail, upstream failures). */
    private final Dashboard dashboard;
    /** One daemon thread: reloads one at a time, and closes what they replaced once its grace is over. */
    private final ScheduledExecutorService reloads = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tiergate-reload");
        t.setDaemon(true);
        return t;
    });
    private final List<Runnable> retiring = new CopyOnWriteArrayList<>();
    private GatewayServer server;
    private ConfigWatcher watcher;
    private ConfiguredResponseStore responses;
    /**
     * The HTTP client of Responses requests passed through to providers that serve the Responses API,
     * made when a config first has one (it starts a selector thread and loads the TLS trust store).
     */
    private java.net.http.HttpClient passthroughClient;
    private final Object passthroughClientLock = new Object();
    /** Online verification's shadow calls, on the shadow pipeline of the config serving now. */
    private final ShadowChatCalls shadows = new ShadowChatCalls(() -> current.get().pipelines().shadow());

    /** What serves one config: the config, its adapters and stage parts (to close once replaced), pipelines, the endpoints' view. */
    private record Serving(GatewayConfig config, Map<String, ProviderAdapter> adapters, StageParts parts,
                           GatewayPipelines pipelines, ServingState state, List<Meter> stageMeters) {
    }

    private Gateway(EventLoopGroup group, GatewayMetrics metrics, Accounting accounting, TokenCounter tokens,
                    ReloadSource source, Clock clock, Tracing tracing) {
        this.clock = clock;
        this.tracing = tracing;
        this.spans = tracing.on() ? new RequestSpans(tracing) : null;
        this.dashboard = new Dashboard(metrics.registry(), clock);
        this.group = group;
        this.metrics = metrics;
        this.accounting = accounting;
        this.tokens = tokens;
        this.source = source;
    }

    public static Gateway start(GatewayConfig config) throws InterruptedException {
        return start(config, Clock.systemUTC());
    }

    /** Starts with {@code clock} as the time of limits and usage records (tests move it). */
    public static Gateway start(GatewayConfig config, Clock clock) throws InterruptedException {
        return start(config, clock, null);
    }

    /**
     * Starts with {@code source} (null: not reloadable) as where {@link #reload} reads the config
     * again; when it says so, changes to its files reload by themselves.
     */
    public static Gateway start(GatewayConfig config, Clock clock, ReloadSource source) throws InterruptedException {
        return start(config, clock, source, ExitOnOutOfMemory.halting());
    }

    /**
     * Starts with {@code fatal} as the uncaught-exception handler of the event loops: what an
     * {@link OutOfMemoryError} on them (or in a request they serve) is handed to. The default,
     * {@link ExitOnOutOfMemory#halting()}, ends the process.
     */
    public static Gateway start(GatewayConfig config, Clock clock, ReloadSource source,
                                Thread.UncaughtExceptionHandler fatal) throws InterruptedException {
        return start(config, clock, source, fatal, Tracing.from(config.telemetry(), System::getenv));
    }

    /** Starts with {@code tracing} as where spans go (closed with the gateway). */
    public static Gateway start(GatewayConfig config, Clock clock, ReloadSource source,
                                Thread.UncaughtExceptionHandler fatal, Tracing tracing) throws InterruptedException {
        int threads = config.server().ioThreads() > 0 ? config.server().ioThreads()
                : Runtime.getRuntime().availableProcessors();
        ServerTransport transport = ServerTransport.detect();
        EventLoopGroup group = new GuardedEventLoopGroup(threads, "tiergate-io", transport.newIoHandlerFactory(), fatal);
        log.info("event loops: {} x {}, buffer access: {}", threads, transport.name(),
                PlatformDependent.hasUnsafe() ? "unsafe" : "ByteBuffer views (io.netty.noUnsafe)");
        GatewayMetrics metrics = new GatewayMetrics(group);
        Accounting accounting = null;
        Gateway gateway = null;
        try {
            ModelCatalog catalog = new ModelCatalog(config);
            TokenCounter tokens = JtokkitTokenCounter.o200k();   // loads its vocabulary now, not on an event loop
            accounting = Accounting.create(config, catalog, metrics, clock, tokens);
            gateway = new Gateway(group, metrics, accounting, tokens, source, clock, tracing);
            gateway.admin = AdminParts.open(config, source == null ? null : source.directory());
            if (source != null && gateway.admin.switched(source) != source) {
                gateway.source = gateway.admin.switched(source);   // model switches kept in Redis: read with them
                config = gateway.source.loader().get();
                catalog = new ModelCatalog(config);
            }
            Serving serving = gateway.build(config, catalog, null);
            gateway.current.set(serving);
            Gateway running = gateway;
            gateway.responses = ConfiguredResponseStore.open(config, clock);
            gateway.server = GatewayServer.start(config.server(), group, () -> running.current.get().state(),
                    serverAccounting(config, accounting, metrics, clock, running::knowsModel, running.spans,
                            running.dashboard),
                    source == null ? ConfigReloader.NONE : running::reload,
                    HeapHeadroom.of(config.server().readyMaxHeapPercent(), HeapReading.fromMemoryPools()),
                    AuthFailures.perMinute(config.server().authFailuresPerMinute(), clock, metrics.authFailures()),
                    new ResponsesServices(gateway.responses.store(), tokens), running.adminApi());
            logBanner(config, serving, gateway.server);
            log.info("virtual keys (admin API): {}", gateway.admin.keysDescription());
            log.info("stored responses (Responses API): {}", gateway.responses.description());
            if (source != null && source.watch()) {
                gateway.watcher = ConfigWatcher.start(source.directory(), () -> running.reload("file change"));
            }
            return gateway;
        } catch (IOException e) {
            abandon(group, metrics, accounting, gateway);
            tracing.close();
            throw new java.io.UncheckedIOException("cannot watch the config folder", e);
        } catch (RuntimeException | InterruptedException e) {
            abandon(group, metrics, accounting, gateway);
            tracing.close();
            throw e;
        }
    }

    /** Releases what a failed start had built. */
    private static void abandon(EventLoopGroup group, GatewayMetrics metrics, Accounting accounting, Gateway gateway) {
        if (gateway != null) {
            gateway.reloads.shutdownNow();
            if (gateway.admin != null) {
                gateway.admin.close();
            }
            if (gateway.server != null) {
                gateway.server.close();
            }
            if (gateway.responses != null) {
                gateway.responses.close();
            }
            Serving serving = gateway.current.get();
            if (serving != null) {
                serving.adapters().values().forEach(ProviderAdapter::close);
                serving.parts().close();
            }
        }
        if (accounting != null) {
            accounting.close();
        }
        metrics.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /**
     * Builds what serves {@code config}, carrying over from {@code previous} (null at start-up) the
     * adapters whose provider config is unchanged and the stage parts the new stages can reuse.
     */
    private Serving build(GatewayConfig config, ModelCatalog catalog, Serving previous) {
        ProviderAdapterFactory factory = ProviderAdapters.factory(tokens);
        Map<String, ProviderAdapter> adapters = new LinkedHashMap<>();
        List<ProviderAdapter> created = new ArrayList<>();
        StageParts parts = null;
        try {
            for (ProviderConfig provider : config.providers().values()) {
                ProviderAdapter adapter = previous != null && provider.equals(previous.config().providers().get(provider.id()))
                        ? previous.adapters().get(provider.id()) : null;
                if (adapter == null) {
                    adapter = metrics.instrument(KeyRedactingAdapter.of(factory.create(provider), provider.apiKey()));
                    created.add(adapter);
                }
                adapters.put(provider.id(), adapter);
            }
            ProviderDispatcher dispatcher = ProviderDispatcher.builder(catalog, adapters)
                    .config(config)
                    .listener(traced(UpstreamAttemptListener.both(new UpstreamAttemptLog(),
                            UpstreamAttemptListener.both(new UpstreamAttemptMetrics(metrics), dashboard.attempts()))))
                    .build();
            ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(config.teams().values(),
                    config.accounting().adminKeys(), admin.virtualKeys(), clock);
            parts = StageParts.build(config, catalog, tokens, previous == null ? null : previous.parts(), shadows);
            Accounting.Stages money = accounting.stages(config, catalog, parts::cascades);
            ResponsesPassthrough passthrough = ResponsesPassthrough.anyProvider(config)
                    ? new ResponsesPassthrough(config, passthroughClient()) : null;
            GatewayPipelines pipelines = GatewayPipelines.assemble(money, parts, dispatcher, passthrough,
                    spans == null ? metrics.stageObserver() : metrics.stageObserver().andThen(spans));
            return new Serving(config, adapters, parts, pipelines, new ServingState(authenticator, catalog,
                    pipelines.chat(), pipelines.embeddings(), config.deadline(), passthrough == null ? null
                    : new ResponsesPassthrough.Route(pipelines.responsesPassthrough(), passthrough),
                    OnlineVerificationReport.of(parts.onlineVerifier()), parts.learning()),
                    metrics.bindStageMeters(pipelines.stages()));
        } catch (RuntimeException e) {
            created.forEach(ProviderAdapter::close);
            if (parts != null) {
                parts.closeExcept(previous == null ? null : previous.parts());
            }
            throw e;
        }
    }

    /** {@code listener}, and the attempt spans when tracing is on. */
    private UpstreamAttemptListener traced(UpstreamAttemptListener listener) {
        return spans == null ? listener : UpstreamAttemptListener.both(listener, spans);
    }

    /** The admin API on the caches, keys and team files of the config serving now. */
    private AdminApi adminApi() {
        return admin.api(new CacheAdmin(() -> current.get().parts().exactCache(),
                        () -> current.get().parts().semanticCache(), () -> current.get().config()),
                admin.routing(source, this::reload, () -> current.get().config()),
                () -> current.get().config(), clock);
    }

    /**
     * Reads the config again and, when it is valid, serves new requests with it; invalid files are
     * logged (file:line: field) and the running config keeps serving. Runs on the reload thread,
     * one reload at a time.
     */
    public CompletionStage<ConfigReloader.Result> reload(String trigger) {
        if (source == null) {
            return ConfigReloader.NONE.reload(trigger);
        }
        try {
            return CompletableFuture.supplyAsync(() -> reloadNow(trigger), reloads);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(new ConfigReloader.Result.Unavailable("the gateway is stopping"));
        }
    }

    private ConfigReloader.Result reloadNow(String trigger) {
        GatewayConfig loaded;
        try {
            loaded = source.loader().get();
        } catch (ConfigException e) {
            log.error("config reload ({}) rejected, the running config keeps serving:\n  {}", trigger,
                    String.join("\n  ", e.problems()));
            return new ConfigReloader.Result.Rejected(e.problems());
        } catch (RuntimeException e) {
            log.error("config reload ({}) failed, the running config keeps serving: {}", trigger, e.toString());
            return new ConfigReloader.Result.Rejected(List.of(String.valueOf(e.getMessage())));
        }
        Serving old = current.get();
        ConfigChanges changes = ConfigChanges.between(old.config(), loaded);
        if (!changes.needRestart().isEmpty()) {
            log.warn("config reload ({}): changes to {} need a restart; until then the running values stay", trigger,
                    String.join(", ", changes.needRestart()));
        }
        if (changes.next().equals(old.config())) {
            log.info("config reload ({}): no changes", trigger);
            return new ConfigReloader.Result.Applied(List.of(), changes.needRestart());
        }
        Serving fresh;
        try {
            ModelCatalog catalog = new ModelCatalog(changes.next());
            fresh = build(changes.next(), catalog, old);
        } catch (RuntimeException e) {
            log.error("config reload ({}) failed while building, the running config keeps serving", trigger, e);
            return new ConfigReloader.Result.Rejected(List.of(e.toString()));
        }
        current.set(fresh);
        metrics.remove(old.stageMeters());
        retire(old, fresh);
        log.info("config reloaded ({}): {}", trigger, changes.changes().isEmpty() ? "no visible changes"
                : String.join("; ", changes.changes()));
        logStages(fresh.pipelines());
        return new ConfigReloader.Result.Applied(changes.changes(), changes.needRestart());
    }

    /** Closes what {@code old} does not share with {@code fresh} once the requests started on it had their grace. */
    private void retire(Serving old, Serving fresh) {
        List<ProviderAdapter> replaced = old.adapters().values().stream()
                .filter(adapter -> !fresh.adapters().containsValue(adapter)).toList();
        Runnable close = new Runnable() {
            @Override
            public void run() {
                if (retiring.remove(this)) {
                    replaced.forEach(ProviderAdapter::close);
                    old.parts().closeExcept(current.get().parts());
                }
            }
        };
        retiring.add(close);
        reloads.schedule(close, fresh.config().server().shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Reloads on SIGHUP, where the JVM supports handling it (not on Windows). Without this the JVM
     * would stop on SIGHUP; call it only in a process that runs one gateway.
     */
    public void reloadOnHangup() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reload("SIGHUP"));
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            log.info("SIGHUP cannot be handled here ({}); reload with POST /admin/reload", e.toString());
        }
    }

    /**
     * The request listeners: the log (with trace ids, its lines also to the dashboard's tail), metrics,
     * the dashboard's latency, and the request spans last (they end there).
     */
    private static ServerAccounting serverAccounting(GatewayConfig config, Accounting accounting, GatewayMetrics metrics,
                                                     Clock clock, GatewayMetrics.KnownModels models,
                                                     RequestSpans spans, Dashboard dashboard) {
        RequestListener listener = new RequestLog(spans == null ? TraceIds.NONE : spans, dashboard.tail())
                .andThen(metrics.requests(models)).andThen(dashboard.requests());
        return new ServerAccounting(spans == null ? listener : listener.andThen(spans), accounting.usageStore(),
                config.accounting().metricsEnabled() ? metrics : null, clock, accounting::storesReady, dashboard);
    }

    private static void logBanner(GatewayConfig config, Serving serving, GatewayServer server) {
        log.info("Tiergate {} listening on {}:{}", Main.version(), config.server().host(), server.port());
        if (server.managementPort() < 0) {
            log.info("management port off: no /metrics, no /admin/reload");
        } else {
            log.info("management (/metrics, /admin/reload, /healthz, /readyz) on {}:{}", config.server().managementHost(),
                    server.managementPort());
        }
        config.providers().values().forEach(p -> log.info("provider {} ({}){}", p.id(), p.type(),
                p.baseUrl() == null ? "" : " at " + p.baseUrl()));
        log.info("models: {}", String.join(", ", config.models().keySet().stream().sorted().toList()));
        config.aliases().values().forEach(a -> log.info("alias {}: tiers {} (default {})", a.name(), a.tiers(), a.defaultTier()));
        logStages(serving.pipelines());
        serving.parts().descriptions().forEach(d -> log.info("  {}", d));
        log.info("teams: {}", config.teams().size());
    }

    private static void logStages(GatewayPipelines pipelines) {
        log.info("chat stages: {}", names(pipelines.chat()));
        log.info("embeddings stages: {}", names(pipelines.embeddings()));
    }

    private static String names(Pipeline pipeline) {
        return pipeline.stages().isEmpty() ? "none"
                : String.join(" -> ", pipeline.stages().stream().map(PipelineStage::name).toList());
    }

    /** Whether {@code team} may name {@code model} (a model or alias) under the config serving now. */
    private boolean knowsModel(String team, String model) {
        Serving serving = current.get();
        TeamConfig config = serving.config().teams().get(team);
        return config != null && serving.state().catalog().knows(config, model);
    }

    /** The event loops that serve HTTP and the upstream calls (tests put faults on them). */
    EventLoopGroup eventLoops() {
        return group;
    }

    public int port() {
        return server.port();
    }

    /** The management port ({@code /metrics}, {@code /admin/*}, probes), or -1 when it is off. */
    public int managementPort() {
        return server.managementPort();
    }

    /** Completes when every usage record of the requests answered so far is stored. */
    public CompletionStage<Void> flushUsage() {
        return accounting.flush();
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        server.close();
        reloads.shutdownNow();
        try {
            reloads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List.copyOf(retiring).forEach(Runnable::run);
        Serving serving = current.get();
        serving.adapters().values().forEach(ProviderAdapter::close);
        serving.parts().close();
        responses.close();
        admin.close();
        synchronized (passthroughClientLock) {
            if (passthroughClient != null) {
                passthroughClient.close();
            }
        }
        accounting.close();
        metrics.close();
        tracing.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private java.net.http.HttpClient passthroughClient() {
        synchronized (passthroughClientLock) {
            if (passthroughClient == null) {
                passthroughClient = ResponsesPassthrough.httpClient();
            }
            return passthroughClient;
        }
    }
}
