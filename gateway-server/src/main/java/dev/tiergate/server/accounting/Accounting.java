package dev.tiergate.server.accounting;

import dev.tiergate.core.accounting.Accountant;
import dev.tiergate.core.accounting.InMemoryLimitStore;
import dev.tiergate.core.accounting.LimitStore;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.accounting.UsageStore;
import dev.tiergate.core.config.AccountingConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.server.metrics.GatewayMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounting as the gateway runs it: the usage and limit stores (Redis when {@code redis.url} is
 * set, else the usage file and in-memory counters rebuilt from it), the limit and accounting
 * stages, and where each usage record goes (store, limit counters, metrics). On a config reload
 * the stores and their counters stay; only the stages are built again for the new teams and models.
 */
public final class Accounting implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Accounting.class);

    private final UsageStore usage;
    private final LimitStore limits;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final TokenCounter tokens;
    /**
     * Counts the tokens of long requests, off the event loops (one thread, 64 waiting): for their
     * reservations, and for usage that a provider did not report.
     */
    private final ThreadPoolExecutor counting = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(64), runnable -> {
                Thread thread = new Thread(runnable, "tiergate-token-count");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.AbortPolicy());
    private final AutoCloseable connection;

    private Accounting(GatewayConfig config, ModelCatalog catalog, GatewayMetrics metrics, Clock clock,
                       TokenCounter tokens, UsageStore usage, LimitStore limits, AutoCloseable connection) {
        this.usage = usage;
        this.limits = limits;
        this.metrics = metrics;
        this.clock = clock;
        this.tokens = tokens;
        this.connection = connection;
    }

    /** {@code tokens} counts usage that a provider does not report. */
    public static Accounting create(GatewayConfig config, ModelCatalog catalog, GatewayMetrics metrics, Clock clock,
                                    TokenCounter tokens) {
        AccountingConfig settings = config.accounting();
        LimitScopes scopes = new LimitScopes(config.teams().values());
        if (settings.usesRedis()) {
            RedisAccounting redis = RedisAccounting.connect(settings.redisUrl(), settings.redisKeyPrefix(),
                    Path.of(settings.usageFile()), settings.usageStore(), clock, metrics.usageStoreListener("redis"));
            metrics.usagePending("redis", redis.usageStore());
            log.info("accounting: usage and limits in Redis at {}", redis.location());
            return new Accounting(config, catalog, metrics, clock, tokens, redis.usageStore(), redis.limitStore(), redis);
        }
        InMemoryLimitStore limits = new InMemoryLimitStore();
        FileUsageStore usage = FileUsageStore.builder(Path.of(settings.usageFile()))
                .settings(settings.usageStore())
                .clock(clock)
                .listener(metrics.usageStoreListener("file"))
                .replay(new FileUsageStore.Replay() {
                    @Override
                    public void record(UsageRecord record) {
                        limits.record(scopes.ids(record.team(), record.keyId()), record.timestamp(),
                                record.totalTokens(), record.costNanos());
                    }

                    @Override
                    public void spend(YearMonth month, String team, String keyId, long costNanos) {
                        limits.record(scopes.ids(team, keyId), month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                                0, costNanos);
                    }
                })
                .open();
        metrics.usagePending("file", usage);
        log.info("accounting: usage in {} (fsync {}), limits counted in memory",
                Path.of(settings.usageFile()).toAbsolutePath(), settings.usageStore().fsync().yamlName());
        return new Accounting(config, catalog, metrics, clock, tokens, usage, limits, () -> { });
    }

    /**
     * The money stages of one config: the priced-fields check, the limits (null when no team or key
     * has any and there are no admin keys, with which keys with limits can be made at run time) and
     * the accounting.
     */
    public record Stages(PricedFieldsStage pricedFields, LimitStage limits, AccountingStage accounting) {
    }

    /**
     * The limit and accounting stages of {@code config}, on the stores and counters that live as long
     * as the gateway; {@code cascades}: whether a team (by id) starts its alias requests on a cascade
     * (they reserve one answer of every tier).
     */
    public Stages stages(GatewayConfig config, ModelCatalog catalog, Predicate<String> cascades) {
        LimitScopes scopes = new LimitScopes(config.teams().values());
        boolean keysMayBeMade = !config.accounting().adminKeys().isEmpty();
        LimitStage limitStage = scopes.any() || keysMayBeMade ? new LimitStage(scopes, limits,
                new Reservations(catalog, tokens, counting, cascades), clock,
                metrics::limitRefused) : null;
        return new Stages(new PricedFieldsStage(), limitStage, new AccountingStage(new Accountant(config.models()), catalog,
                this::record, clock, tokens, counting));
    }

    /**
     * Whether the stores limits and usage need are reachable: always with the local file; with
     * Redis, while its connection is up. Limits fail closed, so {@code /readyz} follows this.
     */
    public boolean storesReady() {
        return !(connection instanceof RedisAccounting redis) || redis.connected();
    }

    public UsageStore usageStore() {
        return usage;
    }

    /** Completes when the usage records and limit counters of the requests answered so far are stored. */
    public CompletionStage<Void> flush() {
        return usage.flush().thenCompose(done -> limits.flush());
    }

    /** Stores a usage record and counts it in the metrics; its spend reaches the limit counters when the limit stage settles. */
    void record(UsageRecord record) {
        usage.append(record);
        metrics.usage(record);
    }

    @Override
    public void close() {
        counting.shutdownNow();
        usage.close();
        limits.close();
        try {
            connection.close();
        } catch (Exception e) {
            log.warn("accounting store did not close cleanly: {}", e.toString());
        }
    }
}
