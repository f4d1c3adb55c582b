package dev.tiergate.server.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;

/** A request copied out of Netty's buffers, so it can outlive them: method, path, headers, body. */
record IncomingRequest(HttpMethod method, String path, HttpHeaders headers, byte[] body, boolean keepAlive,
                       boolean protocolIsHttp11) {

    static IncomingRequest from(FullHttpRequest req) {
        byte[] body = new byte[req.content().readableBytes()];
        req.content().getBytes(req.content().readerIndex(), body);
        String path = new QueryStringDecoder(req.uri()).path();
        return new IncomingRequest(req.method(), path, req.headers().copy(), body, HttpUtil.isKeepAlive(req),
                req.protocolVersion().equals(io.netty.handler.codec.http.HttpVersion.HTTP_1_1));
    }

    String header(CharSequence name) {
        return headers.get(name);
    }
}
