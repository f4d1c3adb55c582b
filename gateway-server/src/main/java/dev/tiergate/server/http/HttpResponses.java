package dev.tiergate.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.OpenAiErrorBody;
import dev.tiergate.core.error.OverloadedError;
import dev.tiergate.core.error.RateLimitedError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.server.messages.AnthropicErrors;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.io.UncheckedIOException;
import java.time.Duration;

/** Builds the gateway's HTTP responses: JSON bodies, OpenAI-format errors, SSE heads, x-tiergate headers. */
final class HttpResponses {
    /**
     * The headers of the responses built here: names are not checked character by character (they
     * are this code's constants), values are (some come from a request, e.g. a model name).
     */
    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withNameValidation(false);
    private static final HttpHeadersFactory TRAILERS = DefaultHttpHeadersFactory.trailersFactory();
    private static final AsciiString EVENT_STREAM = AsciiString.cached("text/event-stream; charset=utf-8");

    private HttpResponses() {
    }

    static FullHttpResponse json(HttpResponseStatus status, byte[] body, String requestId) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body),
                HEADERS, TRAILERS);
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (requestId != null) {
            res.headers().set(TiergateHeaders.REQUEST_ID, requestId);
            res.headers().set(TiergateHeaders.ANTHROPIC_REQUEST_ID, requestId);
        }
        return res;
    }

    /** {@code 204 No Content}. */
    static FullHttpResponse noContent(String requestId) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT,
                Unpooled.EMPTY_BUFFER, HEADERS, TRAILERS);
        response.headers().set(TiergateHeaders.REQUEST_ID, requestId);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    static FullHttpResponse text(HttpResponseStatus status, String body, String contentType, String requestId) {
        FullHttpResponse res = json(status, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), requestId);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return res;
    }

    static FullHttpResponse json(HttpResponseStatus status, Object value, String requestId) {
        try {
            return json(status, Json.mapper().writeValueAsBytes(value), requestId);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FullHttpResponse error(GatewayError error, String requestId) {
        return withErrorHeaders(json(HttpResponseStatus.valueOf(error.status()), OpenAiErrorBody.toJson(error),
                requestId), error);
    }

    /** An error as Anthropic answers one ({@link AnthropicErrors}), for Anthropic clients. */
    static FullHttpResponse anthropicError(GatewayError error, String requestId) {
        int status = AnthropicErrors.status(error);
        FullHttpResponse res = withErrorHeaders(json(HttpResponseStatus.valueOf(status), AnthropicErrors.body(error),
                requestId), error);
        if ((status == 429 || status == 529) && !res.headers().contains(HttpHeaderNames.RETRY_AFTER)) {
            // Anthropic's SDKs wait as long as retry-after says; without it, a second
            res.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
        }
        return res;
    }

    /** {@code Retry-After} when the error says when to retry; the provider of an upstream error. */
    private static FullHttpResponse withErrorHeaders(FullHttpResponse res, GatewayError error) {
        Duration retryAfter = switch (error) {
            case RateLimitedError r -> r.retryAfter();
            case OverloadedError o -> o.retryAfter();
            case UpstreamError u -> u.retryAfter();
            default -> null;
        };
        if (retryAfter != null) {
            res.headers().set(HttpHeaderNames.RETRY_AFTER, Math.max(1, retryAfter.toSeconds()));
        }
        if (error instanceof UpstreamError u) {
            res.headers().set(TiergateHeaders.PROVIDER, u.provider());
        }
        return res;
    }

    static HttpResponse eventStreamHead(String requestId, RequestFacts facts) {
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, HEADERS);
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, EVENT_STREAM)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(TiergateHeaders.REQUEST_ID, requestId)
                .set(TiergateHeaders.ANTHROPIC_REQUEST_ID, requestId);
        HttpUtil.setTransferEncodingChunked(res, true);
        TiergateHeaders.addAnswer(res.headers(), facts, false);
        return res;
    }
}
