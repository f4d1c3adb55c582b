package dev.tiergate.server.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/** A request copied out of Netty's buffers, so it can outlive them: method, path, headers, body. */
record IncomingRequest(HttpMethod method, String path, HttpHeaders headers, byte[] body, boolean keepAlive,
                       boolean protocolIsHttp11, Map<String, List<String>> query) {

    static IncomingRequest from(FullHttpRequest req) {
        byte[] body = new byte[req.content().readableBytes()];
        req.content().getBytes(req.content().readerIndex(), body);
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        return new IncomingRequest(req.method(), uri.path(), req.headers().copy(), body, HttpUtil.isKeepAlive(req),
                req.protocolVersion().equals(io.netty.handler.codec.http.HttpVersion.HTTP_1_1), Map.copyOf(uri.parameters()));
    }

    String header(CharSequence name) {
        return headers.get(name);
    }

    /** The first value of a query parameter, or null. */
    String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
