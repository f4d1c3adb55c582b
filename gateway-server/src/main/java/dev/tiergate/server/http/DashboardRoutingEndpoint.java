package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.accounting.UsageReport;
import dev.tiergate.core.accounting.UsageStore;
import dev.tiergate.router.learning.LearningRouter;
import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.dashboard.Dashboard;
import dev.tiergate.server.dashboard.MeterReadings;
import dev.tiergate.server.dashboard.Period;
import dev.tiergate.server.dashboard.RoutingView;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code GET /dashboard/api/routing?days=N}: tier mix, escalations and the learned policy per team
 * ({@link RoutingView}); the policy is what {@code GET /admin/routing/{team}} gives.
 */
final class DashboardRoutingEndpoint extends DashboardUsageEndpoint {
    DashboardRoutingEndpoint(Supplier<ServingState> state, Dashboard dashboard, AdminApi admin, UsageStore usage) {
        super(state, dashboard, admin, usage);
    }

    @Override
    CompletionStage<? extends JsonNode> view(HttpCall call, Period period, UsageReport report) {
        LearningRouter learning = state.get().learning();
        Map<String, JsonNode> policies = new ConcurrentHashMap<>();
        CompletableFuture<?>[] reads = learning == null ? new CompletableFuture<?>[0]
                : report.by(key -> key.team()).keySet().stream()
                        .map(team -> learning.report(team).thenAccept(r -> policies.put(team,
                                UsageJson.mapper().valueToTree(r.body()))).toCompletableFuture())
                        .toArray(CompletableFuture<?>[]::new);
        Map<String, Long> escalations = new MeterReadings(dashboard.meters()).escalations();
        return CompletableFuture.allOf(reads).thenApply(done -> RoutingView.of(period, report, escalations, policies));
    }
}
