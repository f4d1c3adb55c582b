package dev.tiergate.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * One upstream under {@code providers:}. {@code type} picks the adapter ({@code openai},
 * {@code demo}, ...); {@code options} holds type-specific settings (kebab-case keys).
 * {@code apiKey} is the resolved secret: never log it.
 */
public record ProviderConfig(
        String id,
        String type,
        URI baseUrl,
        String apiKey,
        Duration connectTimeout,
        Duration readTimeout,
        int maxConnections,
        Map<String, String> headers,
        Map<String, String> options) {

    public ProviderConfig {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public String option(String key, String defaultValue) {
        return options.getOrDefault(key, defaultValue);
    }

    @Override
    public String toString() {
        return "ProviderConfig[id=" + id + ", type=" + type + ", baseUrl=" + baseUrl + ", apiKey="
                + (apiKey == null || apiKey.isEmpty() ? "none" : "***") + "]";
    }
}
