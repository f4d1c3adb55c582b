package dev.tiergate.server.http;

import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.pipeline.CacheDirectives;
import dev.tiergate.core.pipeline.CacheLookup;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.pipeline.Served;
import dev.tiergate.core.routing.Escalation;
import dev.tiergate.core.routing.RouteDecision;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The public {@code x-tiergate-*} headers, named in this one place, and the one mapping from a
 * request's typed facts to them (responses) and from request headers to cache directives.
 */
final class TiergateHeaders {
    static final String REQUEST_ID = "x-tiergate-request-id";
    /** The request id again under the name Anthropic's SDKs read ({@code request-id}). */
    static final String ANTHROPIC_REQUEST_ID = "request-id";
    static final String PROVIDER = "x-tiergate-provider";
    static final String MODEL = "x-tiergate-model";
    static final String TIER = "x-tiergate-tier";
    static final String CACHE = "x-tiergate-cache";
    static final String CACHE_AGE = "x-tiergate-cache-age";
    static final String CACHE_SIMILARITY = "x-tiergate-cache-similarity";
    static final String CACHE_HITS = "x-tiergate-cache-hits";
    static final String COMPLEXITY = "x-tiergate-complexity";
    static final String ROUTE_CAUSE = "x-tiergate-route-cause";
    /** The causes of a cascade's escalations, in order: {@code refusal}, {@code truncated}, ... */
    static final String ESCALATION = "x-tiergate-escalation";
    static final String ATTEMPTS = "x-tiergate-attempts";
    static final String FALLBACK_FROM = "x-tiergate-fallback-from";
    static final String BUDGET_WARNING = "x-tiergate-budget-warning";
    static final String BUDGET_DEGRADED = "x-tiergate-budget-degraded";
    static final String COST_USD = "x-tiergate-cost-usd";

    private TiergateHeaders() {
    }

    /**
     * What the client asked of the caches: {@code Cache-Control: no-cache} or
     * {@code x-tiergate-cache: off} bypass them, {@code Cache-Control: no-store} reads but never stores.
     */
    static CacheDirectives cacheDirectives(Function<String, String> header) {
        boolean bypass = false;
        boolean noStore = false;
        String cacheControl = header.apply("cache-control");
        if (cacheControl != null) {
            for (String directive : cacheControl.split(",")) {
                switch (directive.trim().toLowerCase(Locale.ROOT)) {
                    case "no-cache" -> bypass = true;
                    case "no-store" -> noStore = true;
                    default -> {
                    }
                }
            }
        }
        String tiergate = header.apply(CACHE);
        if (tiergate != null && tiergate.trim().equalsIgnoreCase("off")) {
            bypass = true;
        }
        return bypass || noStore ? new CacheDirectives(bypass, noStore) : CacheDirectives.NONE;
    }

    /**
     * The headers of an answer from its facts. {@code priced}: the answer is complete, so its
     * usage record (and cost) is known; a stream's head goes out before that.
     */
    static void addAnswer(HttpHeaders headers, RequestFacts facts, boolean priced) {
        Served served = facts.served().get();
        if (served != null) {
            setIfPresent(headers, PROVIDER, served.provider());
            headers.set(MODEL, served.model());
            if (served.attempts() > 0) {
                headers.set(ATTEMPTS, served.attempts());
            }
            setIfPresent(headers, FALLBACK_FROM, served.fallbackFrom());
        }
        setIfPresent(headers, TIER, facts.tier());
        CacheLookup cache = facts.cache();
        if (cache != null) {
            headers.set(CACHE, cache.outcome().headerValue());
            if (cache.ageSeconds() != null) {
                headers.set(CACHE_AGE, cache.ageSeconds());
            }
            if (cache.similarity() != null) {
                headers.set(CACHE_SIMILARITY, String.format(Locale.ROOT, "%.4f", cache.similarity()));
            }
            if (cache.totalInputs() != null) {
                headers.set(CACHE_HITS, cache.storedInputs() + "/" + cache.totalInputs());
            }
        }
        RouteDecision route = facts.route().get();
        if (route != null) {
            if (route.score() != null) {
                headers.set(COMPLEXITY, String.format(Locale.ROOT, "%.4f", route.score()));
            }
            headers.set(ROUTE_CAUSE, route.cause().headerValue());
        }
        if (!facts.escalations().isEmpty()) {
            headers.set(ESCALATION, String.join(",", facts.escalations().stream().map(Escalation::cause).toList()));
        }
        List<String> warnings = facts.budgetWarnings().get();
        if (warnings != null) {
            headers.set(BUDGET_WARNING, String.join("; ", warnings));
        }
        setIfPresent(headers, BUDGET_DEGRADED, facts.degradedTier().get());
        UsageRecord usage = facts.usage().get();
        if (priced && usage != null) {
            headers.set(COST_USD, usage.costUsd().toPlainString());
        }
    }

    private static void setIfPresent(HttpHeaders headers, String name, String value) {
        if (value != null) {
            headers.set(name, value);
        }
    }
}
