package dev.tiergate.server.http;

import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.dashboard.Dashboard;
import io.netty.handler.codec.http.HttpMethod;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The dashboard's API on the management port: its sessions and its data routes ({@code docs/dashboard.md}). */
final class DashboardRoutes {
    private DashboardRoutes() {
    }

    static Map<GatewayHttpHandler.Route, Endpoint> of(Supplier<ServingState> state, ServerAccounting accounting,
                                                      AdminApi admin) {
        Dashboard dashboard = accounting.dashboard();
        Map<GatewayHttpHandler.Route, Endpoint> routes = new LinkedHashMap<>();
        for (DashboardSessionEndpoint.Action action : DashboardSessionEndpoint.Action.values()) {
            routes.put(route(action.route), new DashboardSessionEndpoint(state, dashboard, admin, action));
        }
        if (accounting.usage() != null) {
            routes.put(route("GET /dashboard/api/spend"),
                    new DashboardSpendEndpoint(state, dashboard, admin, accounting.usage()));
            routes.put(route("GET /dashboard/api/caches"),
                    new DashboardCachesEndpoint(state, dashboard, admin, accounting.usage()));
            routes.put(route("GET /dashboard/api/routing"),
                    new DashboardRoutingEndpoint(state, dashboard, admin, accounting.usage()));
        }
        for (DashboardMetersEndpoint.View view : DashboardMetersEndpoint.View.values()) {
            routes.put(route("GET " + view.path), new DashboardMetersEndpoint(state, dashboard, admin, view));
        }
        return routes;
    }

    private static GatewayHttpHandler.Route route(String methodAndPath) {
        String[] parts = methodAndPath.split(" ", 2);
        return new GatewayHttpHandler.Route(HttpMethod.valueOf(parts[0]), parts[1]);
    }
}
