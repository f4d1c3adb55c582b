package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.accounting.UsageReport;
import dev.tiergate.core.accounting.UsageStore;
import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.dashboard.CacheView;
import dev.tiergate.server.dashboard.Dashboard;
import dev.tiergate.server.dashboard.Period;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** {@code GET /dashboard/api/caches?days=N}: cache outcomes, hit rates and false-hit estimates per team ({@link CacheView}). */
final class DashboardCachesEndpoint extends DashboardUsageEndpoint {
    DashboardCachesEndpoint(Supplier<ServingState> state, Dashboard dashboard, AdminApi admin, UsageStore usage) {
        super(state, dashboard, admin, usage);
    }

    @Override
    CompletionStage<? extends JsonNode> view(HttpCall call, Period period, UsageReport report) {
        SemanticCacheReport semanticCache = state.get().semanticCache();
        return CompletableFuture.completedFuture(CacheView.of(period, report, semanticCache::team));
    }
}
