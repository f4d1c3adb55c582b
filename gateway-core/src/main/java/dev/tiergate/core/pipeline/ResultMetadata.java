package dev.tiergate.core.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where an answer came from: the server turns it into {@code x-tiergate-*} headers.
 * {@code headers} holds further {@code x-tiergate-*} headers a stage adds (e.g. the age of a hit).
 */
public record ResultMetadata(
        String provider,
        String model,
        String tier,
        CacheOutcome cache,
        Map<String, String> headers) {

    public ResultMetadata {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static ResultMetadata of(String provider, String model) {
        return new ResultMetadata(provider, model, null, null, Map.of());
    }

    public ResultMetadata withTier(String newTier) {
        return new ResultMetadata(provider, model, newTier, cache, headers);
    }

    public ResultMetadata withCache(CacheOutcome newCache) {
        return new ResultMetadata(provider, model, tier, newCache, headers);
    }

    public ResultMetadata withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new ResultMetadata(provider, model, tier, cache, copy);
    }
}
