package dev.tiergate.server.http;

import dev.tiergate.core.memory.ByteBudget;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.InvalidRequestError;
import java.util.List;
import java.util.Map;

/**
 * A request copied out of Netty's buffers, so it can outlive them: method, path, headers, body.
 * {@code refusal} is set when the body was not read ({@link WithheldBodyRequest}): asking for the
 * body then fails with it, and the connection ends after the answer. {@code reservedBytes} is what
 * the request holds of the {@link ByteBudget} until it is answered.
 */
record IncomingRequest(HttpMethod method, String path, HttpHeaders headers, byte[] body, boolean keepAlive,
                       boolean protocolIsHttp11, String uri, GatewayError refusal, long reservedBytes) {

    /** The body; the refusal when it was not read. */
    @Override
    public byte[] body() {
        if (refusal != null) {
            throw refusal;
        }
        return body;
    }

    static IncomingRequest from(FullHttpRequest req, long reservedBytes) {
        GatewayError refusal = req instanceof WithheldBodyRequest withheld ? withheld.refusal() : null;
        byte[] body = new byte[req.content().readableBytes()];
        req.content().getBytes(req.content().readerIndex(), body);
        // Only the path is decoded here (it never throws); the query is decoded when an endpoint asks,
        // so a malformed one (%zz) becomes a 400 for that endpoint instead of a dropped connection.
        String path;
        try {
            path = new QueryStringDecoder(req.uri()).path();
        } catch (IllegalArgumentException e) {
            path = req.uri();   // undecodable: matches no route, so the answer is a 404
        }
        return new IncomingRequest(req.method(), path, req.headers().copy(), body,
                refusal == null && HttpUtil.isKeepAlive(req),
                req.protocolVersion().equals(io.netty.handler.codec.http.HttpVersion.HTTP_1_1), req.uri(), refusal,
                reservedBytes);
    }

    String header(CharSequence name) {
        return headers.get(name);
    }

    /**
     * The key the client presented, as an {@code Authorization} header value: that header, else
     * Anthropic's {@code x-api-key} as {@code Bearer <key>}; null when there is neither.
     */
    String authorization() {
        return AnthropicClients.authorization(headers);
    }

    /** Whether the request is an Anthropic client's (see {@link AnthropicClients#asks}). */
    boolean fromAnthropicClient() {
        return AnthropicClients.asks(path, headers);
    }

    /** The first value of a query parameter, or null. */
    String queryParam(String name) {
        Map<String, List<String>> query;
        try {
            query = new QueryStringDecoder(uri).parameters();
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestError("The query string is malformed: " + e.getMessage(), "invalid_query", null);
        }
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
