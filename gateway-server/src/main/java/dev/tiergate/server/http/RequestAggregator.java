package dev.tiergate.server.http;

import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.PayloadTooLargeError;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;

/**
 * Collects a request body up to the configured limit. Past it, the client gets an OpenAI-format
 * 413 and the connection is closed (the rest of the body is not read). A request the HTTP decoder
 * could not parse gets a 400 and the connection is closed.
 */
final class RequestAggregator extends HttpObjectAggregator {
    private final int maxBytes;

    RequestAggregator(int maxBytes) {
        super(maxBytes);
        this.maxBytes = maxBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, HttpObject msg, List<Object> out) throws Exception {
        DecoderResult result = msg.decoderResult();
        if (result.isFailure() && msg instanceof HttpRequest) {
            io.netty.util.ReferenceCountUtil.release(msg);
            reject(ctx, HttpResponses.error(new InvalidRequestError("malformed HTTP request: "
                    + result.cause().getMessage(), "bad_http_request", null), null));
            return;
        }
        super.decode(ctx, msg, out);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        reject(ctx, HttpResponses.error(new PayloadTooLargeError("request body is larger than " + maxBytes
                + " bytes (the gateway's server.max-request-bytes)", "request_too_large", null), null));
    }

    private static void reject(ChannelHandlerContext ctx, FullHttpResponse response) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
