package dev.tiergate.server.http;

import dev.tiergate.core.memory.ByteBudget;
import dev.tiergate.core.error.AuthenticationError;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.OverloadedError;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Decides from a request's head, before any of its body is buffered, whether the body may be read
 * into memory: a body over {@link #PRE_AUTH_BODY_BYTES} needs a key the gateway knows, and every
 * body must fit in the {@link ByteBudget} (a chunked one is counted at the size limit). A
 * refused request goes on as a {@link WithheldBodyRequest}, answered in its turn ({@code 401} or
 * {@code 503} with {@code Retry-After}), and everything read after it on the connection is dropped
 * unread until the connection closes behind that answer. Sits between the HTTP codec and the
 * aggregator.
 */
final class RequestHeadGate extends ChannelInboundHandlerAdapter {
    /** The largest body read from a client that has not shown a known key. */
    static final long PRE_AUTH_BODY_BYTES = 64 * 1024;
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final ConnectionBodies bodies;
    private final Predicate<String> knownKey;
    private final int maxRequestBytes;
    private boolean dropping;

    /**
     * {@code knownKey} tells whether an {@code Authorization} header value carries a key of this
     * gateway (an {@code x-api-key} is read as one, see {@link AnthropicClients#authorization}).
     */
    RequestHeadGate(ConnectionBodies bodies, Predicate<String> knownKey, int maxRequestBytes) {
        this.bodies = bodies;
        this.knownKey = knownKey;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (dropping) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof HttpRequest head) || head.decoderResult().isFailure()) {
            if (msg instanceof HttpRequest) {
                bodies.reserveNothing();
            }
            ctx.fireChannelRead(msg);
            return;
        }
        GatewayError refusal = refusal(head);
        if (refusal == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        dropping = true;
        bodies.reserveNothing();
        ReferenceCountUtil.release(msg);
        ctx.fireChannelRead(new WithheldBodyRequest(head, refusal));
    }

    /** Why the body of {@code head} may not be read, or null when it may (its bytes then reserved). */
    private GatewayError refusal(HttpRequest head) {
        long length = HttpUtil.getContentLength(head, -1L);
        boolean chunked = HttpUtil.isTransferEncodingChunked(head);
        if (!chunked && (length <= 0 || length > maxRequestBytes)) {
            // nothing to hold, or over the size limit: the aggregator answers 413 without keeping it
            bodies.reserveNothing();
            return null;
        }
        long bytes = chunked ? maxRequestBytes : length;
        if (bytes > PRE_AUTH_BODY_BYTES && !knownKey.test(AnthropicClients.authorization(head.headers()))) {
            return new AuthenticationError("A request body over " + PRE_AUTH_BODY_BYTES
                    + " bytes needs a valid API key: send it as 'Authorization: Bearer <key>'.", "invalid_api_key", null);
        }
        if (!bodies.tryReserve(bytes)) {
            return new OverloadedError("The gateway holds as many request bodies as it may now"
                    + " (server.max-buffered-request-mb); retry shortly.", RETRY_AFTER);
        }
        return null;
    }
}
