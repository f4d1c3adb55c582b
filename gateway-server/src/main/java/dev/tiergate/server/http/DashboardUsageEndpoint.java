package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.accounting.UsageReport;
import dev.tiergate.core.accounting.UsageStore;
import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.dashboard.Dashboard;
import dev.tiergate.server.dashboard.Period;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** A dashboard view of the usage report of a period ({@code ?days=N}): spend, caches, routing. */
abstract class DashboardUsageEndpoint extends DashboardEndpoint {
    private final UsageStore usage;

    DashboardUsageEndpoint(Supplier<ServingState> state, Dashboard dashboard, AdminApi admin, UsageStore usage) {
        super(state, dashboard, admin);
        this.usage = usage;
    }

    @Override
    final CompletionStage<? extends JsonNode> view(HttpCall call) {
        Period period = period(call);
        return usage.totals(period.query())
                .thenCompose(totals -> view(call, period, new UsageReport(period.query(), totals)));
    }

    /** The view of {@code report}, the usage of every team over {@code period}. */
    abstract CompletionStage<? extends JsonNode> view(HttpCall call, Period period, UsageReport report);
}
