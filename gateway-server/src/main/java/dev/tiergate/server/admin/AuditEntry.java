package dev.tiergate.server.admin;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One admin action: when, who (the admin key's id), what (an action name such as
 * {@code keys.rotate}), on what ({@code target}: ids and settings, never secrets or hashes), how it
 * ended ({@code outcome}: {@code ok}, or the error code) and the request id of the admin call.
 */
public record AuditEntry(Instant at, String admin, String action, Map<String, Object> target, String outcome,
                         String requestId) {
    public AuditEntry {
        requireNonNull(at, "at");
        requireNonNull(admin, "admin");
        requireNonNull(action, "action");
        target = target == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(target));
        requireNonNull(outcome, "outcome");
    }

    /** The fields of its JSON line, in order. */
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("at", at.toString());
        f.put("admin", admin);
        f.put("action", action);
        f.put("target", target);
        f.put("outcome", outcome);
        if (requestId != null) {
            f.put("request_id", requestId);
        }
        return f;
    }
}
