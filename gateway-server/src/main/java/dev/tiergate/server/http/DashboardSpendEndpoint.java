package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.accounting.UsageReport;
import dev.tiergate.core.accounting.UsageStore;
import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.dashboard.Dashboard;
import dev.tiergate.server.dashboard.Period;
import dev.tiergate.server.dashboard.SpendView;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** {@code GET /dashboard/api/spend?days=N}: spend and savings per team and day ({@link SpendView}). */
final class DashboardSpendEndpoint extends DashboardUsageEndpoint {
    DashboardSpendEndpoint(Supplier<ServingState> state, Dashboard dashboard, AdminApi admin, UsageStore usage) {
        super(state, dashboard, admin, usage);
    }

    @Override
    CompletionStage<? extends JsonNode> view(HttpCall call, Period period, UsageReport report) {
        return CompletableFuture.completedFuture(SpendView.of(period, report));
    }
}
