package dev.tiergate.providers.transport;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Map;

/**
 * One HTTP/1.1 request to an upstream: method, absolute {@code http}/{@code https} URI, headers
 * and body. {@code Host} and {@code Content-Length} are added by the transport.
 */
public record UpstreamRequest(String method, URI uri, Map<String, String> headers, byte[] body) {

    public UpstreamRequest {
        requireNonNull(method, "method");
        requireNonNull(uri, "uri");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
        String scheme = uri.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("uri: " + uri + " (expected: an absolute http or https URI)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("uri: " + uri + " (expected: a host)");
        }
    }

    public static UpstreamRequest post(URI uri, Map<String, String> headers, byte[] body) {
        return new UpstreamRequest("POST", uri, headers, body);
    }

    public static UpstreamRequest get(URI uri, Map<String, String> headers) {
        return new UpstreamRequest("GET", uri, headers, null);
    }

    /** The request target: raw path (at least {@code /}) and query. */
    String target() {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }
}
