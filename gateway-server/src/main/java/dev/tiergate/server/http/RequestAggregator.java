package dev.tiergate.server.http;

import dev.tiergate.core.error.PayloadTooLargeError;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;

/**
 * Collects a request body up to the configured limit. Past it, the rest of the body is not kept
 * and the request is passed on failed with an OpenAI-format 413 as its decoder result, so that
 * {@link GatewayHttpHandler} answers it in its turn, after the pipelined requests before it, and
 * closes the connection. A request the HTTP decoder could not parse is passed on failed too (by
 * the decoder's own result), and gets a 400 the same way.
 */
final class RequestAggregator extends HttpObjectAggregator {
    private final int maxBytes;
    private FullHttpRequest tooLarge;

    RequestAggregator(int maxBytes) {
        super(maxBytes);
        this.maxBytes = maxBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, HttpObject msg, List<Object> out) throws Exception {
        super.decode(ctx, msg, out);
        if (tooLarge != null) {
            out.add(tooLarge);
            tooLarge = null;
        }
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        HttpRequest head = (HttpRequest) oversized;
        tooLarge = new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(), Unpooled.EMPTY_BUFFER);
        tooLarge.setDecoderResult(DecoderResult.failure(new PayloadTooLargeError("request body is larger than "
                + maxBytes + " bytes (the gateway's server.max-request-bytes)", "request_too_large", null)));
    }
}
