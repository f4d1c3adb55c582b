package dev.tiergate.server.http;

import dev.tiergate.core.error.NotFoundError;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard's static files ({@code index.html}, scripts, styles, the vendored chart library),
 * read from the classpath folder {@code dashboard/} of the jar: {@code GET /dashboard} redirects to
 * {@code /dashboard/}, which is {@code index.html}; {@code GET /dashboard/{file}} is that file.
 * Only a plain file name of that one folder is served (no separators, no leading dot: nothing
 * outside it can be named). The files hold no data, so no login; what they show comes from
 * {@code /dashboard/api/*}, which needs one. Every file is sent with a strict Content-Security-Policy
 * (scripts and styles from the gateway only, no inline code), no framing and no sniffing.
 */
final class DashboardAssetsEndpoint implements Endpoint {
    static final String FOLDER = "dashboard/";
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:";
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "txt", "text/plain; charset=utf-8",
            "md", "text/plain; charset=utf-8");
    private static final String PLAIN_TEXT = "text/plain; charset=utf-8";

    /** The routes this endpoint answers, each for {@code GET}. */
    static final java.util.List<String> ROUTES = java.util.List.of("/dashboard", "/dashboard/", "/dashboard/{file}");

    /** A file as read once from the jar, with the tag a browser revalidates it by. */
    private record Asset(byte[] bytes, String contentType, String etag) {
    }

    private final ClassLoader classLoader = DashboardAssetsEndpoint.class.getClassLoader();
    /** Files found so far; only names that exist in the folder get in, so it is bounded by the folder. */
    private final Map<String, Asset> assets = new ConcurrentHashMap<>();

    @Override
    public void handle(HttpCall call) {
        String name = call.pathParameter("file");
        if (name == null && !call.request.path().endsWith("/")) {
            FullHttpResponse res = empty(HttpResponseStatus.FOUND, call.requestId);
            res.headers().set(HttpHeaderNames.LOCATION, "/dashboard/");
            call.respond(res, "dashboard_redirect");
            return;
        }
        if (name == null) {
            name = "index.html";
        }
        Optional<Asset> asset = find(name);
        if (asset.isEmpty()) {
            call.fail(new NotFoundError("The dashboard has no file " + quoted(name) + ".", "unknown_url", null));
            return;
        }
        Asset found = asset.get();
        String ifNoneMatch = call.request.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        if (found.etag().equals(ifNoneMatch)) {
            FullHttpResponse res = empty(HttpResponseStatus.NOT_MODIFIED, call.requestId);
            res.headers().set(HttpHeaderNames.ETAG, found.etag());
            call.respond(res, "dashboard_not_modified");
            return;
        }
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(found.bytes()));
        secured(res.headers(), call.requestId)
                .set(HttpHeaderNames.CONTENT_TYPE, found.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, found.bytes().length)
                .set(HttpHeaderNames.ETAG, found.etag());
        call.respond(res, "dashboard_file");
    }

    /** The file {@code name} of the folder, read once; empty for a name that is not a plain file of it. */
    private Optional<Asset> find(String name) {
        if (name == null || !FILE_NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        Asset cached = assets.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        Asset read = read(name);
        if (read == null) {
            return Optional.empty();
        }
        assets.putIfAbsent(name, read);
        return Optional.of(read);
    }

    private Asset read(String name) {
        try (InputStream in = classLoader.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            return new Asset(bytes, contentType(name), etag(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the dashboard's file " + name, e);
        }
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? PLAIN_TEXT : CONTENT_TYPES.getOrDefault(name.substring(dot + 1), "application/octet-stream");
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static FullHttpResponse empty(HttpResponseStatus status, String requestId) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        secured(res.headers(), requestId).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return res;
    }

    private static HttpHeaders secured(HttpHeaders headers, String requestId) {
        return headers
                .set(TiergateHeaders.REQUEST_ID, requestId)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
                .set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY")
                .set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "no-referrer");
    }

    private static String quoted(String name) {
        if (name == null) {
            return "\"\"";
        }
        String shown = name.length() > 60 ? name.substring(0, 60) + "…" : name;
        return "\"" + shown.replaceAll("[^\\x20-\\x7e]", "?") + "\"";
    }
}
