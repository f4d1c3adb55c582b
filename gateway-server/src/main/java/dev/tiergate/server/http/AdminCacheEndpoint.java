package dev.tiergate.server.http;

import dev.tiergate.core.error.NotFoundError;
import dev.tiergate.server.admin.AdminApi;
import dev.tiergate.server.admin.CacheAdmin;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /admin/cache}: {@code GET ?team=|namespace=[&cache=exact|semantic][&limit=]} lists entries,
 * {@code DELETE} with the same parameters empties them, {@code DELETE /admin/cache/{cache}/{id}}
 * removes one entry (the scope parameter is required there too).
 */
final class AdminCacheEndpoint extends AdminEndpoint {
    /** What the endpoint does, by its method and path. */
    enum Action {
        LIST("GET /admin/cache"),
        INVALIDATE("DELETE /admin/cache"),
        INVALIDATE_ENTRY("DELETE /admin/cache/{cache}/{id}");

        final String route;

        Action(String route) {
            this.route = route;
        }
    }

    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 10_000;
    private final Action action;

    AdminCacheEndpoint(Supplier<ServingState> state, AdminApi admin, Clock clock, Action action) {
        super(state, admin, clock);
        this.action = action;
    }

    @Override
    void serve(HttpCall call, String adminId) {
        CacheAdmin.Scope scope = new CacheAdmin.Scope(call.request.queryParam("team"),
                call.request.queryParam("namespace"));
        switch (action) {
            case LIST -> {
                CacheAdmin.Which which = CacheAdmin.Which.of(call.request.queryParam("cache"));
                int limit = limit(call, DEFAULT_LIMIT, MAX_LIMIT);
                read(call, "cache.list", () -> admin.caches().list(scope, which, limit));
            }
            case INVALIDATE -> {
                CacheAdmin.Which which = CacheAdmin.Which.of(call.request.queryParam("cache"));
                Map<String, Object> target = target(scope, which.name().toLowerCase(java.util.Locale.ROOT), null);
                change(call, adminId, "cache.invalidate", target, HttpResponseStatus.OK,
                        () -> admin.caches().invalidate(scope, which).thenApply(removed -> {
                            Map<String, Object> body = new LinkedHashMap<>(target);
                            body.put("removed", removed);
                            return body;
                        }));
            }
            case INVALIDATE_ENTRY -> {
                CacheAdmin.Which which = CacheAdmin.Which.of(call.pathParameter("cache"));
                String id = call.pathParameter("id");
                Map<String, Object> target = target(scope, call.pathParameter("cache"), id);
                change(call, adminId, "cache.invalidate_entry", target, HttpResponseStatus.OK,
                        () -> admin.caches().invalidate(scope, which, id).thenApply(removed -> {
                            if (!removed) {
                                throw new NotFoundError("no " + call.pathParameter("cache") + " cache entry '" + id
                                        + "' in this scope", "entry_not_found", "id");
                            }
                            Map<String, Object> body = new LinkedHashMap<>(target);
                            body.put("removed", true);
                            return body;
                        }));
            }
        }
    }

    private static Map<String, Object> target(CacheAdmin.Scope scope, String cache, String id) {
        Map<String, Object> t = new LinkedHashMap<>();
        if (scope.team() != null) {
            t.put("team", scope.team());
        } else {
            t.put("namespace", scope.namespace());
        }
        t.put("cache", cache);
        if (id != null) {
            t.put("id", id);
        }
        return t;
    }
}
