package dev.tiergate.providers.transport;

import java.net.URI;
import java.util.Locale;

/** Scheme, host and port: what a pooled connection can serve. */
record Origin(boolean tls, String host, int port) {

    static Origin of(URI uri) {
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        return new Origin(tls, uri.getHost().toLowerCase(Locale.ROOT), port);
    }

    /** The {@code Host} header value: the port only when it is not the scheme's default. */
    String hostHeader() {
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return port == (tls ? 443 : 80) ? h : h + ":" + port;
    }

    /** The host as a socket address wants it (no IPv6 brackets). */
    String socketHost() {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
