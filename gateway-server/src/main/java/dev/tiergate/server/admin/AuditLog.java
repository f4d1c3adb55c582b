package dev.tiergate.server.admin;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import net.logstash.logback.marker.Markers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record of admin actions: each one is a JSON line on the logger {@value #LOGGER} (see
 * LoggingSetup, like the request log) and is kept for {@code GET /admin/audit}: the last
 * {@link #KEPT} of this process, or, with an {@link AuditStore} in Redis, the last ones of every
 * replica. Entries name keys by id only; no secret or hash is ever written.
 */
public final class AuditLog {
    public static final String LOGGER = "tiergate.audit";
    /** Entries kept in memory for queries. */
    public static final int KEPT = 1000;
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private final Deque<AuditEntry> recent = new ArrayDeque<>();
    private final AuditStore shared;

    /** A log kept in this process only. */
    public AuditLog() {
        this(null);
    }

    /** A log that also appends to {@code shared} (null: none), where queries read. */
    public AuditLog(AuditStore shared) {
        this.shared = shared;
    }

    /** Writes the entry's line and keeps it; a shared store that fails is logged, the action stands. */
    public void record(AuditEntry entry) {
        requireNonNull(entry, "entry");
        log.info(Markers.appendEntries(entry.fields()), "admin {} {} by {}: {}", entry.action(), entry.target(),
                entry.admin(), entry.outcome());
        synchronized (recent) {
            recent.addFirst(entry);
            while (recent.size() > KEPT) {
                recent.removeLast();
            }
        }
        if (shared != null) {
            try {
                shared.append(entry);
            } catch (RuntimeException e) {
                log.warn("audit entry not appended to the shared store: {}", e.toString());
            }
        }
    }

    /** The newest entries first that match {@code query}, at most its limit. */
    public List<AuditEntry> query(AuditQuery query) {
        requireNonNull(query, "query");
        List<AuditEntry> source;
        if (shared != null) {
            source = shared.recent(Math.max(query.limit(), KEPT));
        } else {
            synchronized (recent) {
                source = new ArrayList<>(recent);
            }
        }
        return source.stream().filter(query::matches).limit(query.limit()).toList();
    }

    /** What {@code GET /admin/audit} asks: by admin key id, action (or its prefix before a dot), since when. */
    public record AuditQuery(String admin, String action, Instant since, int limit) {
        public static final int MAX_LIMIT = 1000;

        public AuditQuery {
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit: " + limit + " (expected: 1 to " + MAX_LIMIT + ")");
            }
        }

        boolean matches(AuditEntry entry) {
            return (admin == null || admin.equals(entry.admin()))
                    && (action == null || action.equals(entry.action()) || entry.action().startsWith(action + "."))
                    && (since == null || !entry.at().isBefore(since));
        }
    }
}
