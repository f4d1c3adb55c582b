package dev.tiergate.providers.internal;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Joins a provider base URL ({@code https://api.openai.com/v1}, or Azure's
 * {@code https://x.openai.azure.com/openai/deployments/d?api-version=2024-10-21}) with an operation
 * path such as {@code chat/completions}: one slash between them, the base's query kept at the end.
 */
public final class UpstreamUris {
    private UpstreamUris() {
    }

    public static URI resolve(URI baseUrl, String path) {
        return resolve(baseUrl, path, null);
    }

    /** With {@code query} (may be null) after the base's own query. */
    public static URI resolve(URI baseUrl, String path, String query) {
        requireNonNull(baseUrl, "baseUrl");
        String basePath = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        while (basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        String op = path.startsWith("/") ? path.substring(1) : path;
        StringBuilder out = new StringBuilder()
                .append(baseUrl.getScheme()).append("://").append(baseUrl.getRawAuthority())
                .append(basePath).append('/').append(op);
        String baseQuery = baseUrl.getRawQuery() == null || baseUrl.getRawQuery().isEmpty() ? null : baseUrl.getRawQuery();
        if (baseQuery != null || query != null) {
            out.append('?').append(baseQuery == null ? query : query == null ? baseQuery : baseQuery + "&" + query);
        }
        try {
            return new URI(out.toString());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("baseUrl: " + baseUrl + " (expected: an absolute http(s) URL)", e);
        }
    }
}
