package dev.tiergate.server.http;

import dev.tiergate.server.requests.RequestListener;
import dev.tiergate.core.accounting.UsageStore;
import dev.tiergate.server.dashboard.Dashboard;
import dev.tiergate.server.metrics.GatewayMetrics;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * What the HTTP server needs of accounting: the listener told about every finished request,
 * the usage store behind {@code GET /v1/usage} and the meters behind {@code GET /metrics}
 * (each null: endpoint not served), the clock of the default report period, and what the
 * dashboard's API reads ({@code dashboard}, null: no dashboard API).
 */
public record ServerAccounting(RequestListener listener, UsageStore usage, GatewayMetrics metrics, Clock clock,
                               BooleanSupplier storesReady, Dashboard dashboard) {
    public static final ServerAccounting NONE =
            new ServerAccounting(RequestListener.NONE, null, null, Clock.systemUTC(), () -> true);

    /** Accounting without a dashboard. */
    public ServerAccounting(RequestListener listener, UsageStore usage, GatewayMetrics metrics, Clock clock,
                            BooleanSupplier storesReady) {
        this(listener, usage, metrics, clock, storesReady, null);
    }
}
