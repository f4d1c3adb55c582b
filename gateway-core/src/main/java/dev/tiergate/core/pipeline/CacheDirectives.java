package dev.tiergate.core.pipeline;

/**
 * What the client asked of the caches: {@code bypass} ({@code Cache-Control: no-cache} or
 * {@code x-tiergate-cache: off}) skips them, {@code noStore} ({@code Cache-Control: no-store})
 * reads but never stores. The server parses them from the request headers.
 */
public record CacheDirectives(boolean bypass, boolean noStore) {
    public static final CacheDirectives NONE = new CacheDirectives(false, false);
}
