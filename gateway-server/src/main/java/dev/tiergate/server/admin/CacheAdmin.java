package dev.tiergate.server.admin;

import static java.util.Objects.requireNonNull;

import dev.tiergate.cache.CachedEntrySummary;
import dev.tiergate.cache.exact.ExactCacheStage;
import dev.tiergate.cache.semantic.SemanticCacheStage;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.NotFoundError;
import dev.tiergate.core.error.OverloadedError;
import java.time.Duration;
import dev.tiergate.core.pipeline.Caller;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Lists and invalidates the entries of the exact and the semantic cache serving now, per team (the
 * namespaces the team reads: its exact one and its semantic one), per namespace, or one entry.
 * Entries are shown by id, times, size and, in the exact cache, who answered; never their text.
 */
public final class CacheAdmin {
    /** Which cache an action is about. */
    public enum Which {
        EXACT("exact"), SEMANTIC("semantic"), BOTH("both");

        private final String wire;

        Which(String wire) {
            this.wire = wire;
        }

        /** From a query parameter: {@code exact}, {@code semantic}, or null/{@code both}. */
        public static Which of(String value) {
            if (value == null) {
                return BOTH;
            }
            for (Which w : values()) {
                if (w.wire.equals(value)) {
                    return w;
                }
            }
            throw new InvalidRequestError("cache: '" + value + "' (expected: exact, semantic or both)",
                    "invalid_value", "cache");
        }

        boolean exact() {
            return this != SEMANTIC;
        }

        boolean semantic() {
            return this != EXACT;
        }
    }

    /** A team's entries, or a namespace's: exactly one of them is set. */
    public record Scope(String team, String namespace) {
        public Scope {
            if ((team == null) == (namespace == null)) {
                throw new InvalidRequestError("name either team or namespace (one of them)", "invalid_scope", "team");
            }
        }

        Map<String, Object> view() {
            Map<String, Object> v = new LinkedHashMap<>();
            if (team != null) {
                v.put("team", team);
            } else {
                v.put("namespace", namespace);
            }
            return v;
        }
    }

    private final Supplier<ExactCacheStage> exact;
    private final Supplier<SemanticCacheStage> semantic;
    private final Supplier<GatewayConfig> config;

    /** The caches of the config serving now ({@code exact} and {@code semantic} give null when off). */
    public CacheAdmin(Supplier<ExactCacheStage> exact, Supplier<SemanticCacheStage> semantic,
                      Supplier<GatewayConfig> config) {
        this.exact = requireNonNull(exact, "exact");
        this.semantic = requireNonNull(semantic, "semantic");
        this.config = requireNonNull(config, "config");
    }

    /** The entries in scope, at most {@code limit} per cache, newest first, with the namespaces they are in. */
    public CompletionStage<Map<String, Object>> list(Scope scope, Which which, int limit) {
        Map<String, Object> body = new LinkedHashMap<>(scope.view());
        ExactCacheStage exactStage = which.exact() ? exact.get() : null;
        if (exactStage != null) {
            String ns = exactNamespace(exactStage, scope);
            body.put("exact", section(ns, exactStage.entries(ns, limit)));
        }
        SemanticCacheStage semanticStage = which.semantic() ? semantic.get() : null;
        if (semanticStage == null) {
            return CompletableFuture.completedFuture(body);
        }
        String ns = semanticNamespace(semanticStage, scope);
        return storeAnswer(semanticStage.entries(ns, limit).thenApply(entries -> {
            body.put("semantic", section(ns, entries));
            return body;
        }));
    }

    /** Removes every entry in scope; completes with how many each cache removed. */
    public CompletionStage<Map<String, Object>> invalidate(Scope scope, Which which) {
        Map<String, Object> removed = new LinkedHashMap<>();
        ExactCacheStage exactStage = which.exact() ? exact.get() : null;
        if (exactStage != null) {
            removed.put("exact", exactStage.invalidate(exactNamespace(exactStage, scope)));
        }
        SemanticCacheStage semanticStage = which.semantic() ? semantic.get() : null;
        if (semanticStage == null) {
            return CompletableFuture.completedFuture(removed);
        }
        return storeAnswer(semanticStage.invalidate(semanticNamespace(semanticStage, scope)).thenApply(count -> {
            removed.put("semantic", count);
            return removed;
        }));
    }

    /** Removes one entry of {@code which} (exact or semantic) in scope; completes with whether it was there. */
    public CompletionStage<Boolean> invalidate(Scope scope, Which which, String id) {
        requireNonNull(id, "id");
        if (which == Which.BOTH) {
            throw new InvalidRequestError("cache: name exact or semantic for one entry", "invalid_value", "cache");
        }
        if (which == Which.EXACT) {
            ExactCacheStage stage = on(exact.get(), "exact");
            return CompletableFuture.completedFuture(stage.invalidate(exactNamespace(stage, scope), id));
        }
        SemanticCacheStage stage = on(semantic.get(), "semantic");
        return storeAnswer(stage.invalidate(semanticNamespace(stage, scope), id));
    }

    /**
     * What the semantic store answered; a store that failed (Redis down or slower than its command
     * timeout) is {@code 503 overloaded}, to be asked again, not an internal error.
     */
    private static <T> CompletionStage<T> storeAnswer(CompletionStage<T> answer) {
        return answer.exceptionallyCompose(error -> {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof dev.tiergate.core.error.GatewayError) {
                return CompletableFuture.failedFuture(cause);
            }
            return CompletableFuture.failedFuture(new OverloadedError("the semantic cache's store did not answer ("
                    + cause.getClass().getSimpleName() + "); ask again", Duration.ofSeconds(1)));
        });
    }

    private static <T> T on(T stage, String name) {
        if (stage == null) {
            throw new NotFoundError("the " + name + " cache is off in this config", "cache_off", "cache");
        }
        return stage;
    }

    private static Map<String, Object> section(String namespace, List<CachedEntrySummary> entries) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("namespace", namespace);
        s.put("entries", entries.stream().map(CacheAdmin::view).toList());
        return s;
    }

    private static Map<String, Object> view(CachedEntrySummary e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", e.id());
        v.put("stored_at", e.storedAt() == null ? null : e.storedAt().toString());
        v.put("expires_at", e.expiresAt() == null ? null : e.expiresAt().toString());
        v.put("bytes", e.bytes());
        if (e.model() != null) {
            v.put("model", e.model());
            v.put("provider", e.provider());
            v.put("tier", e.tier());
        }
        return v;
    }

    private String exactNamespace(ExactCacheStage stage, Scope scope) {
        return scope.namespace() != null ? scope.namespace()
                : stage.settings().namespaceFor(new Caller(team(scope.team()), "admin"));
    }

    private String semanticNamespace(SemanticCacheStage stage, Scope scope) {
        if (scope.namespace() != null) {
            return scope.namespace();
        }
        return stage.namespaceOf(team(scope.team()).id());
    }

    private TeamConfig team(String id) {
        TeamConfig team = config.get().teams().get(id);
        if (team == null) {
            throw new NotFoundError("team: '" + id + "' is not a team of this gateway", "team_not_found", "team");
        }
        return team;
    }
}
