package dev.tiergate.server.http;

import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.pipeline.CacheDirectives;
import dev.tiergate.core.pipeline.CacheLookup;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.pipeline.Served;
import dev.tiergate.core.routing.Escalation;
import dev.tiergate.core.routing.RouteDecision;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The public {@code x-tiergate-*} headers, named in this one place, and the one mapping from a
 * request's typed facts to them (responses) and from request headers to cache directives. The names
 * are {@link AsciiString}s: Netty hashes and writes them without a pass over their characters.
 */
final class TiergateHeaders {
    static final AsciiString REQUEST_ID = AsciiString.cached("x-tiergate-request-id");
    /** The request id again under the name Anthropic's SDKs read ({@code request-id}). */
    static final AsciiString ANTHROPIC_REQUEST_ID = AsciiString.cached("request-id");
    static final AsciiString PROVIDER = AsciiString.cached("x-tiergate-provider");
    static final AsciiString MODEL = AsciiString.cached("x-tiergate-model");
    static final AsciiString TIER = AsciiString.cached("x-tiergate-tier");
    static final AsciiString CACHE = AsciiString.cached("x-tiergate-cache");
    static final AsciiString CACHE_AGE = AsciiString.cached("x-tiergate-cache-age");
    static final AsciiString CACHE_SIMILARITY = AsciiString.cached("x-tiergate-cache-similarity");
    static final AsciiString CACHE_HITS = AsciiString.cached("x-tiergate-cache-hits");
    static final AsciiString COMPLEXITY = AsciiString.cached("x-tiergate-complexity");
    static final AsciiString ROUTE_CAUSE = AsciiString.cached("x-tiergate-route-cause");
    /** The causes of a cascade's escalations, in order: {@code refusal}, {@code truncated}, ... */
    static final AsciiString ESCALATION = AsciiString.cached("x-tiergate-escalation");
    static final AsciiString ATTEMPTS = AsciiString.cached("x-tiergate-attempts");
    static final AsciiString FALLBACK_FROM = AsciiString.cached("x-tiergate-fallback-from");
    static final AsciiString BUDGET_WARNING = AsciiString.cached("x-tiergate-budget-warning");
    static final AsciiString BUDGET_DEGRADED = AsciiString.cached("x-tiergate-budget-degraded");
    static final AsciiString COST_USD = AsciiString.cached("x-tiergate-cost-usd");

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
        String tiergate = header.apply(CACHE.toString());
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

    private static void setIfPresent(HttpHeaders headers, AsciiString name, String value) {
        if (value != null) {
            headers.set(name, value);
        }
    }
}
