package dev.tiergate.server.accounting;

import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.accounting.UsageKey;
import dev.tiergate.core.accounting.UsageQuery;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.accounting.UsageStore;
import dev.tiergate.core.accounting.UsageTotals;
import dev.tiergate.core.config.UsageStoreConfig;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage in Redis, shared by every gateway on the same Redis and key prefix. Each record is one
 * EVALSHA that appends it to the stream {@code <prefix>usage:records} (field {@code record}, the
 * JSON) and adds it to the day's totals, the hash {@code <prefix>usage:<team>:<yyyy-MM-dd>} whose
 * fields are {@code <model>|<provider>|<tier>|<cache>|<measure>}; teams are listed in the set
 * {@code <prefix>usage:teams}. {@code /v1/usage} reads only the day hashes.
 *
 * <p>A record is sent the moment it is appended (Lettuce pipelines the commands of all requests on
 * one connection), so it has left the process before its answer is written to the client. A record
 * Redis does not take (an error, or no answer within the command timeout, 2 s) is appended to a
 * local fallback file instead, so nothing answered is lost while the gateway runs.
 *
 * <p>Compaction trims the stream: at start and every hour one replica (the one that takes the lock
 * key {@code <prefix>usage:compaction-lock}) reads the entries of days before the last
 * {@code keep-records-days}, counts and logs those that are not records (and copies them to the
 * stream {@code <prefix>usage:corrupt}), then removes them with {@code XTRIM MINID}. Each entry's
 * totals went into the day hashes in the same script that added the entry, so trimming takes nothing
 * from the totals and two replicas cannot count anything twice.
 */
final class RedisUsageStore implements UsageStore {
    private static final Logger log = LoggerFactory.getLogger(RedisUsageStore.class);
    private static final int PAGE = 1000;
    private static final Duration LOCK_TTL = Duration.ofMinutes(10);
    private static final Duration COMPACT_EVERY = Duration.ofHours(1);
    private static final int EXCERPT_CHARS = 200;

    /** KEYS: stream, day hash, team set; ARGV: json, field prefix, team, then a name and a value per measure. */
    private static final RedisScript APPEND = new RedisScript("""
            redis.call('XADD', KEYS[1], '*', 'record', ARGV[1])
            for i = 4, #ARGV - 1, 2 do
              if ARGV[i + 1] ~= '0' then
                redis.call('HINCRBY', KEYS[2], ARGV[2] .. ARGV[i], ARGV[i + 1])
              end
            end
            redis.call('SADD', KEYS[3], ARGV[3])
            return 1
            """, ScriptOutputType.INTEGER);

    /** KEYS: the lock; ARGV: this holder's token. Deletes the lock only while it is still this holder's. */
    private static final RedisScript UNLOCK = new RedisScript("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """, ScriptOutputType.INTEGER);

    private final RedisAsyncCommands<String, String> redis;
    private final String prefix;
    private final Path fallback;
    private final UsageStoreConfig settings;
    private final Clock clock;
    private final UsageStoreListener listener;
    private final BatchingWriter fallbackWriter;
    private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService compactor;
    private volatile boolean closed;

    RedisUsageStore(RedisAsyncCommands<String, String> redis, String prefix, Path fallback, UsageStoreConfig settings,
                    Clock clock, UsageStoreListener listener) {
        this.redis = redis;
        this.prefix = prefix;
        this.fallback = fallback;
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
        this.fallbackWriter = new BatchingWriter("tiergate-usage-fallback", this::writeFallback);
        this.compactor = Executors.newSingleThreadScheduledExecutor(task -> Thread.ofPlatform().daemon()
                .name("tiergate-usage-compaction").unstarted(task));
        compactor.scheduleWithFixedDelay(this::compactQuietly, 0, COMPACT_EVERY.toMinutes(), TimeUnit.MINUTES);
    }

    @Override
    public void append(UsageRecord record) {
        if (closed) {
            if (!fallbackWriter.add(record)) {
                writeFallback(List.of(record));
            }
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        inFlight.add(done);
        CompletionStage<Object> sent;
        try {
            sent = send(record);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((ok, error) -> {
            if (error != null && !fallbackWriter.add(record)) {
                writeFallback(List.of(record));
            }
            inFlight.remove(done);
            done.complete(null);
        });
    }

    private CompletionStage<Object> send(UsageRecord r) {
        UsageKey key = UsageKey.of(r);
        long[] measures = UsageTotals.of(r).measures();
        String field = String.join("|", key.model(), key.provider(), key.tier(), key.cache()) + "|";
        List<String> args = new ArrayList<>(List.of(UsageJson.write(r), field, key.team()));
        for (int i = 0; i < measures.length; i++) {
            args.add(UsageTotals.MEASURES.get(i));
            args.add(Long.toString(measures[i]));
        }
        return APPEND.run(redis, new String[] {prefix + "usage:records", dayKey(key.team(), key.day()),
            prefix + "usage:teams"}, args.toArray(String[]::new));
    }

    private synchronized void writeFallback(List<UsageRecord> records) {
        StringBuilder lines = new StringBuilder();
        records.forEach(r -> lines.append(UsageJson.write(r)).append('\n'));
        try {
            Files.writeString(fallback, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            log.error("Redis did not take {} usage records; appended to {} instead", records.size(), fallback);
        } catch (IOException e) {
            log.error("{} usage records lost (Redis and {} failed): {}", records.size(), fallback, lines);
        }
    }

    @Override
    public CompletionStage<Map<UsageKey, UsageTotals>> totals(UsageQuery query) {
        CompletionStage<Set<String>> teams = query.team() != null
                ? CompletableFuture.completedFuture(Set.of(query.team()))
                : redis.smembers(prefix + "usage:teams");
        return teams.thenCompose(names -> {
            List<CompletableFuture<Map<UsageKey, UsageTotals>>> days = new ArrayList<>();
            for (String team : names) {
                for (LocalDate day = query.from(); !day.isAfter(query.to()); day = day.plusDays(1)) {
                    LocalDate d = day;
                    days.add(redis.hgetall(dayKey(team, d)).toCompletableFuture().thenApply(h -> parse(team, d, h)));
                }
            }
            return CompletableFuture.allOf(days.toArray(CompletableFuture[]::new)).thenApply(done -> {
                Map<UsageKey, UsageTotals> out = new HashMap<>();
                days.forEach(f -> f.join().forEach((k, v) -> out.merge(k, v, UsageTotals::plus)));
                return out;
            });
        });
    }

    private static Map<UsageKey, UsageTotals> parse(String team, LocalDate day, Map<String, String> hash) {
        Map<UsageKey, long[]> measures = new HashMap<>();
        hash.forEach((field, value) -> {
            String[] parts = field.split("\\|");
            if (parts.length != 5) {
                return;
            }
            int measure = UsageTotals.MEASURES.indexOf(parts[4]);
            if (measure >= 0) {
                UsageKey key = new UsageKey(day, team, parts[0], parts[1], parts[2], parts[3]);
                measures.computeIfAbsent(key, k -> new long[UsageTotals.MEASURES.size()])[measure] = Long.parseLong(value);
            }
        });
        Map<UsageKey, UsageTotals> out = new HashMap<>();
        measures.forEach((key, m) -> out.put(key, UsageTotals.ofMeasures(m, key.cache())));
        return out;
    }

    private String dayKey(String team, LocalDate day) {
        return prefix + "usage:" + team + ":" + day;
    }

    @Override
    public long pending() {
        return inFlight.size() + fallbackWriter.pending();
    }

    @Override
    public CompletionStage<Void> flush() {
        return CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                .thenCompose(sent -> fallbackWriter.flush());
    }

    /**
     * Trims the stream of the entries of days before the last {@code keep-records-days}, unless
     * another replica holds the lock: completes with how many entries were trimmed, or -1 when it
     * was not this store's turn.
     */
    CompletionStage<Long> compact() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return compactNow();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, compactor);
    }

    private void compactQuietly() {
        try {
            compactNow();
        } catch (Exception e) {
            log.warn("usage stream {}usage:records not compacted (tried again in {}): {}", prefix, COMPACT_EVERY,
                    e.toString());
        }
    }

    private long compactNow() throws Exception {
        long started = System.nanoTime();
        String lock = prefix + "usage:compaction-lock";
        String token = UUID.randomUUID().toString();
        if (!"OK".equals(redis.set(lock, token, SetArgs.Builder.nx().px(LOCK_TTL.toMillis())).get(10, TimeUnit.SECONDS))) {
            log.debug("usage stream compaction: another gateway holds {}", lock);
            return -1;
        }
        try {
            String stream = prefix + "usage:records";
            LocalDate keepFrom = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
                    .minusDays(settings.keepRecordsDays() - 1L);
            long cutoffMillis = keepFrom.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            Range.Boundary<String> upper = Range.Boundary.including(Long.toString(cutoffMillis - 1));
            Range.Boundary<String> lower = Range.Boundary.unbounded();
            long read = 0;
            long unreadable = 0;
            while (!closed) {
                List<StreamMessage<String, String>> page = redis.xrange(stream, Range.from(lower, upper),
                        Limit.from(PAGE)).get(30, TimeUnit.SECONDS);
                for (StreamMessage<String, String> entry : page) {
                    if (!readable(stream, entry)) {
                        unreadable++;
                    }
                }
                read += page.size();
                if (page.size() < PAGE) {
                    break;
                }
                lower = Range.Boundary.excluding(page.getLast().getId());
            }
            if (closed) {
                return 0;
            }
            long trimmed = redis.xtrim(stream, XTrimArgs.Builder.minId(cutoffMillis + "-0")).get(30, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            listener.compacted(trimmed, took);
            if (trimmed > 0 || unreadable > 0) {
                log.info("usage stream {} compacted in {} ms: {} entries of days before {} read ({} unreadable), "
                        + "{} trimmed", stream, took.toMillis(), read, keepFrom, unreadable, trimmed);
            }
            return trimmed;
        } finally {
            UNLOCK.run(redis, new String[] {lock}, token).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Whether a stream entry is a usage record; one that is not is counted, logged and copied to {@code usage:corrupt}. */
    private boolean readable(String stream, StreamMessage<String, String> entry) throws Exception {
        Map<String, String> body = entry.getBody() == null ? Map.of() : entry.getBody();
        String json = body.get("record");
        String problem;
        if (json == null) {
            problem = "no field 'record'";
        } else {
            try {
                UsageJson.read(json);
                return true;
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
        }
        listener.corruptRecord(UsageStoreListener.CorruptKind.UNREADABLE);
        String corrupt = prefix + "usage:corrupt";
        Map<String, String> copy = new HashMap<>(body);
        copy.put("stream_id", entry.getId());
        redis.xadd(corrupt, copy).get(10, TimeUnit.SECONDS);
        String text = body.toString();
        log.warn("usage stream {} entry {}: not a usage record ({}); copied to {}, then trimmed with the old entries "
                + "(/v1/usage reads the day totals, which the script that added an entry updated with it): {}", stream,
                entry.getId(), problem, corrupt,
                text.length() <= EXCERPT_CHARS ? text : text.substring(0, EXCERPT_CHARS) + "...");
        return false;
    }

    @Override
    public void close() {
        closed = true;
        try {
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.error("{} usage records still unanswered by Redis at close", inFlight.size());
        }
        fallbackWriter.close();
        compactor.shutdown();
        try {
            compactor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
