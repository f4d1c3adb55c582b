package dev.tiergate.server.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.server.config.ConfigException;
import dev.tiergate.server.config.ConfigSource;
import dev.tiergate.server.http.ConfigReloader;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model switches kept in Redis ({@code admin.routing-store: redis}), shared by the replicas of one
 * key prefix: a hash {@code P routing:team:<team>} per team, one field per switch
 * ({@code default-model}, {@code aliases.<name>}; the value's JSON, {@code null} for a removed
 * alias), applied on top of the team files at start and at every reload ({@link #overlay}). A switch
 * is first tried on a copy of the config (one the config rejects is answered with its problems and
 * nothing is written), then written, applied here, and announced on {@code P routing:changes}: every
 * other replica reloads when the message arrives, and each checks {@code P routing:version} every
 * {@link #CHECK} in case it missed one.
 */
public final class RedisRoutingStore implements TeamRoutingStore, AutoCloseable {
    static final Duration CHECK = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(RedisRoutingStore.class);

    private final AdminRedis redis;
    private final String channel;
    private final String versionKey;
    private final String replica = UUID.randomUUID().toString();
    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tiergate-routing-switches");
        t.setDaemon(true);
        return t;
    });
    private StatefulRedisPubSubConnection<String, String> subscriber;
    private Function<UnaryOperator<ConfigSource>, GatewayConfig> trial;
    private ConfigReloader reloader;
    private volatile String seenVersion;

    public RedisRoutingStore(AdminRedis redis) {
        this.redis = requireNonNull(redis, "redis");
        this.channel = redis.key("routing:changes");
        this.versionKey = redis.key("routing:version");
    }

    /**
     * {@code source} with each team's switches from Redis applied to its file's text (renamed, so a
     * problem names where it came from); files without switches are left as they are.
     */
    public ConfigSource overlay(ConfigSource source) {
        Map<String, List<RoutingEdit>> edits = new LinkedHashMap<>();
        for (String text : source.teamFiles().values()) {
            String team = TeamYamlText.id(text);
            if (team == null) {
                continue;
            }
            Map<String, String> stored = new TreeMap<>(redis.commands().hgetall(hashOf(team)));
            if (!stored.isEmpty()) {
                edits.put(team, stored.entrySet().stream()
                        .map(e -> RoutingEdit.fromStored(e.getKey(), e.getValue())).toList());
            }
        }
        return apply(source, edits);
    }

    /** {@code source} with {@code edits} (by team id) applied to the team files' texts. */
    static ConfigSource apply(ConfigSource source, Map<String, List<RoutingEdit>> edits) {
        if (edits.isEmpty()) {
            return source;
        }
        Map<String, String> teams = new LinkedHashMap<>();
        source.teamFiles().forEach((name, text) -> {
            String team = TeamYamlText.id(text);
            ObjectNode root = team == null || !edits.containsKey(team) ? null : TeamYamlText.parse(text);
            if (root == null) {
                teams.put(name, text);
                return;
            }
            edits.get(team).forEach(edit -> edit.applyTo(root));
            teams.put(name.endsWith(SWITCHED) ? name : name + SWITCHED, TeamYamlText.write(root, text));
        });
        return new ConfigSource(source.origin(), source.gatewayYaml(), teams);
    }

    private static final String SWITCHED = " (with its model switches from Redis)";

    /**
     * Starts following the other replicas' switches: each reloads through {@code reloader};
     * {@code trial} loads the config with one more change applied to the sources (what a switch is
     * tried on before it is kept).
     */
    public synchronized void attach(Function<UnaryOperator<ConfigSource>, GatewayConfig> trial,
                                    ConfigReloader reloader) {
        if (this.reloader != null) {
            throw new IllegalStateException("already attached");
        }
        this.trial = requireNonNull(trial, "trial");
        this.reloader = requireNonNull(reloader, "reloader");
        seenVersion = redis.commands().get(versionKey);
        subscriber = redis.subscriber();
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String message) {
                int space = message.indexOf(' ');
                if (space > 0 && !message.substring(0, space).equals(replica)) {
                    seenVersion = message.substring(space + 1);
                    reloader.reload("model switch on another replica");
                }
            }
        });
        subscriber.sync().subscribe(channel);
        checker.scheduleWithFixedDelay(this::checkVersion, CHECK.toMillis(), CHECK.toMillis(), TimeUnit.MILLISECONDS);
        log.info("model switches (admin API): kept in {}, changes on {}", description(), channel);
    }

    private void checkVersion() {
        try {
            String version = redis.commands().get(versionKey);
            if (version != null && !version.equals(seenVersion)) {
                seenVersion = version;
                reloader.reload("model switches changed in Redis");
            }
        } catch (RuntimeException e) {
            log.warn("model switches in Redis not checked (the running config stays): {}", e.toString());
        }
    }

    @Override
    public synchronized ConfigReloader.Result change(String team, RoutingEdit edit, String trigger) {
        if (reloader == null) {
            throw new IllegalStateException("not attached to a reloadable gateway");
        }
        try {
            trial.apply(source -> apply(source, Map.of(team, List.of(edit))));
        } catch (ConfigException e) {
            return new ConfigReloader.Result.Rejected(e.problems());
        }
        String hash = hashOf(team);
        String previous = redis.commands().hget(hash, edit.field());
        redis.commands().hset(hash, edit.field(), edit.valueJson());
        ConfigReloader.Result result = reloader.reload(trigger).toCompletableFuture().join();
        if (!(result instanceof ConfigReloader.Result.Applied)) {
            if (previous == null) {
                redis.commands().hdel(hash, edit.field());
            } else {
                redis.commands().hset(hash, edit.field(), previous);
            }
            reloader.reload(trigger + " (undone)").toCompletableFuture().join();
            return result;
        }
        String version = String.valueOf(redis.commands().incr(versionKey));
        seenVersion = version;
        redis.commands().publish(channel, replica + " " + version);
        return result;
    }

    private String hashOf(String team) {
        return redis.key("routing:team:" + team);
    }

    @Override
    public String description() {
        return "Redis hashes " + redis.key("routing:team:<team>");
    }

    @Override
    public synchronized void close() {
        checker.shutdownNow();
        if (subscriber != null) {
            subscriber.close();
        }
    }
}
