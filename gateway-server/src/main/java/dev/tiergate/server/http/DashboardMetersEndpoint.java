package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.dashboard.Dashboard;
import dev.tiergate.server.dashboard.LatencyView;
import dev.tiergate.server.dashboard.MeterReadings;
import dev.tiergate.server.dashboard.TailView;
import dev.tiergate.server.dashboard.UpstreamFailures;
import dev.tiergate.server.dashboard.UpstreamsView;
import dev.tiergate.core.error.InvalidRequestError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The dashboard's views of this replica since it started: {@code GET /dashboard/api/latency}
 * ({@link LatencyView}), {@code /upstreams} ({@link UpstreamsView}) and {@code /tail?after=N}
 * ({@link TailView}), read from the meters and the dashboard's rings.
 */
final class DashboardMetersEndpoint extends DashboardEndpoint {
    enum View {
        LATENCY("/dashboard/api/latency"),
        UPSTREAMS("/dashboard/api/upstreams"),
        TAIL("/dashboard/api/tail");

        final String path;

        View(String path) {
            this.path = path;
        }
    }

    private final View view;

    DashboardMetersEndpoint(Supplier<ServingState> state, Dashboard dashboard, AdminApi admin, View view) {
        super(state, dashboard, admin);
        this.view = view;
    }

    @Override
    CompletionStage<? extends JsonNode> view(HttpCall call) {
        MeterReadings meters = new MeterReadings(dashboard.meters());
        return CompletableFuture.completedFuture(switch (view) {
            case LATENCY -> LatencyView.of(dashboard.latency().snapshot(), meters.upstreamLatency());
            case UPSTREAMS -> UpstreamsView.of(meters.breakerStates(),
                    dashboard.failures().failures().newestFirst(UpstreamFailures.CAPACITY));
            case TAIL -> TailView.of(dashboard.tail().lines(), after(call));
        });
    }

    private static Long after(HttpCall call) {
        String text = call.request.queryParam("after");
        if (text == null) {
            return null;
        }
        try {
            long after = Long.parseLong(text.trim());
            if (after >= 0) {
                return after;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new InvalidRequestError("after: '" + text + "' (expected: a seq, 0 or more)", "invalid_value", "after");
    }
}
