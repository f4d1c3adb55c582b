package dev.tiergate.cache.internal;

import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.pipeline.ChatExchange;
import java.util.Locale;

/**
 * What the request headers ask of the caches: {@code Cache-Control: no-cache} or
 * {@code x-tiergate-cache: off} skip them ({@code bypass}); {@code Cache-Control: no-store} may
 * read but never stores. Shared by the exact and the semantic cache; not API.
 */
public record CacheDirectives(boolean bypass, boolean noStore) {

    public static CacheDirectives of(ChatExchange exchange) {
        return of(exchange::header);
    }

    /** From request headers by lower-case name. */
    public static CacheDirectives of(java.util.function.Function<String, String> header) {
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
        String tiergate = header.apply("x-tiergate-cache");
        if (tiergate != null && tiergate.trim().equalsIgnoreCase("off")) {
            bypass = true;
        }
        return new CacheDirectives(bypass, noStore);
    }

    /** Whether a request samples: temperature above 0 (OpenAI's default is 1) and no seed. */
    public static boolean samples(ChatRequest request) {
        boolean randomTemperature = request.temperature() == null || request.temperature() > 0;
        return randomTemperature && request.seed() == null;
    }
}
