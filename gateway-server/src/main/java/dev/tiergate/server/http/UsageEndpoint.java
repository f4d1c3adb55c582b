package dev.tiergate.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.accounting.UsageQuery;
import dev.tiergate.core.accounting.UsageReport;
import dev.tiergate.core.accounting.UsageStore;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.PermissionDeniedError;
import dev.tiergate.core.pipeline.Caller;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * {@code GET /v1/usage?from=YYYY-MM-DD&to=YYYY-MM-DD[&team=ID]}: usage totals and savings by day,
 * team, model, provider, tier and cache outcome. A team key sees its own team; an admin key sees
 * every team, or the one named by {@code team}. The period defaults to the current UTC month up
 * to today, and spans at most {@value UsageQuery#MAX_DAYS} days. For one team it also shows its
 * semantic cache's online verification ({@code semantic_cache}), as it stands now.
 */
final class UsageEndpoint implements Endpoint {
    private final Supplier<ServingState> state;
    private final UsageStore usage;
    private final Clock clock;

    UsageEndpoint(Supplier<ServingState> state, UsageStore usage, Clock clock) {
        this.state = state;
        this.usage = usage;
        this.clock = clock;
    }

    @Override
    public void handle(HttpCall call) {
        String authorization = call.request.authorization();
        String requestedTeam = call.request.queryParam("team");
        String team;
        var authenticator = state.get().authenticator();
        String admin = authenticator.admin(authorization);
        if (admin != null) {
            team = requestedTeam;
            call.describe("admin:" + admin, null);
        } else {
            Caller caller = authenticator.authenticate(authorization);
            if (requestedTeam != null && !requestedTeam.equals(caller.teamId())) {
                throw new PermissionDeniedError("A team key can read only its own team's usage (team '"
                        + caller.teamId() + "'); use an admin key for other teams.", "usage_forbidden", "team");
            }
            team = caller.teamId();
            call.describe(caller, null);
        }
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate from = date(call, "from", today.withDayOfMonth(1));
        LocalDate to = date(call, "to", today);
        if (to.isBefore(from)) {
            throw new InvalidRequestError("to: " + to + " is before from: " + from + " (expected: from <= to)",
                    "invalid_value", "to");
        }
        if (ChronoUnit.DAYS.between(from, to) >= UsageQuery.MAX_DAYS) {
            throw new InvalidRequestError("from " + from + " to " + to + " spans more than " + UsageQuery.MAX_DAYS
                    + " days (expected: a shorter period)", "invalid_value", "from");
        }
        UsageQuery query = new UsageQuery(from, to, team);
        SemanticCacheReport semanticCache = state.get().semanticCache();
        usage.totals(query).whenComplete((totals, error) -> call.onLoop(() -> {
            if (error != null) {
                call.fail(error);
                return;
            }
            try {
                ObjectNode report = new UsageReport(query, totals).toJson();
                ObjectNode cache = team == null ? null : semanticCache.team(team);
                if (cache != null) {
                    report.set("semantic_cache", cache);
                }
                byte[] body = UsageJson.mapper().writeValueAsBytes(report);
                call.respond(HttpResponses.json(HttpResponseStatus.OK, body, call.requestId), "usage");
            } catch (JsonProcessingException e) {
                call.fail(new UncheckedIOException(e));
            }
        }));
    }

    private static LocalDate date(HttpCall call, String name, LocalDate defaultValue) {
        String value = call.request.queryParam(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidRequestError(name + ": '" + value + "' (expected: a date as YYYY-MM-DD)",
                    "invalid_value", name);
        }
    }
}
