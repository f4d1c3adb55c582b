package dev.tiergate.server.http;

import dev.tiergate.core.error.GatewayError;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A request whose body was not read into memory ({@link RequestHeadGate}): its head only, and the
 * error its body is refused with; the connection ends once it is answered.
 */
final class WithheldBodyRequest extends DefaultFullHttpRequest {
    private final GatewayError refusal;

    WithheldBodyRequest(HttpRequest head, GatewayError refusal) {
        super(head.protocolVersion(), head.method(), head.uri(), Unpooled.EMPTY_BUFFER);
        headers().set(head.headers());
        headers().remove(HttpHeaderNames.EXPECT);
        this.refusal = refusal;
    }

    GatewayError refusal() {
        return refusal;
    }
}
