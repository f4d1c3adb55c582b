package dev.tiergate.cache.internal;

import dev.tiergate.core.pipeline.ChatExchange;
import java.util.Locale;

/**
 * What the request headers ask of the caches: {@code Cache-Control: no-cache} or
 * {@code x-tiergate-cache: off} skip them ({@code bypass}); {@code Cache-Control: no-store} may
 * read but never stores. Shared by the exact and the semantic cache; not API.
 */
public record CacheDirectives(boolean bypass, boolean noStore) {

    public static CacheDirectives of(ChatExchange exchange) {
        boolean bypass = false;
        boolean noStore = false;
        String cacheControl = exchange.header("cache-control");
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
        String tiergate = exchange.header("x-tiergate-cache");
        if (tiergate != null && tiergate.trim().equalsIgnoreCase("off")) {
            bypass = true;
        }
        return new CacheDirectives(bypass, noStore);
    }
}
