package dev.tiergate.server.http;

import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.admin.AuditEntry;
import dev.tiergate.server.admin.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code GET /admin/audit[?admin=][&action=][&since=][&limit=]}: the admin actions, newest first
 * ({@code action} matches a name or its prefix: {@code keys} finds {@code keys.rotate}).
 */
final class AdminAuditEndpoint extends AdminEndpoint {
    AdminAuditEndpoint(Supplier<ServingState> state, AdminApi admin, Clock clock) {
        super(state, admin, clock);
    }

    @Override
    void serve(HttpCall call, String adminId) {
        String since = call.request.queryParam("since");
        Instant from;
        try {
            from = since == null ? null : Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestError("since: '" + since + "' (expected: an ISO-8601 instant)", "invalid_value",
                    "since");
        }
        AuditLog.AuditQuery query = new AuditLog.AuditQuery(call.request.queryParam("admin"),
                call.request.queryParam("action"), from, limit(call, 100, AuditLog.AuditQuery.MAX_LIMIT));
        read(call, "audit", () -> CompletableFuture.completedFuture(Map.of("entries",
                admin.audit().query(query).stream().map(AuditEntry::fields).toList())));
    }
}
