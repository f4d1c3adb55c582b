package dev.tiergate.providers.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.function.Consumer;
import reactor.core.publisher.FluxSink;

/**
 * Forwards a 2xx body to a {@link FluxSink} slice by slice, reading only while the subscriber has
 * demand. A non-2xx body is read whole (bounded) and signalled as an {@link UpstreamStatusException}.
 */
final class StreamingListener implements RoundTripListener {
    private final FluxSink<byte[]> sink;
    private final Consumer<ResponseHead> onHead;
    private final int maxErrorBodyBytes;
    private HttpResponse head;
    private BodyBuffer errorBody;

    StreamingListener(FluxSink<byte[]> sink, Consumer<ResponseHead> onHead, int maxErrorBodyBytes) {
        this.sink = sink;
        this.onHead = onHead;
        this.maxErrorBodyBytes = maxErrorBodyBytes;
    }

    @Override
    public void onHead(HttpResponse response) {
        head = response;
        if (response.status().codeClass() == HttpStatusClass.SUCCESS) {
            onHead.accept(new ResponseHead(response.status().code(), new DefaultHttpHeaders().add(response.headers())));
        } else {
            errorBody = new BodyBuffer(maxErrorBodyBytes);
        }
    }

    @Override
    public void onContent(ByteBuf content) {
        if (errorBody != null) {
            errorBody.append(content);
        } else if (content.isReadable()) {
            sink.next(ByteBufUtil.getBytes(content));
        }
    }

    @Override
    public void onComplete() {
        if (errorBody != null) {
            sink.error(new UpstreamStatusException(new UpstreamResponse(head.status().code(),
                    new DefaultHttpHeaders().add(head.headers()), errorBody.toByteArray())));
        } else {
            sink.complete();
        }
    }

    @Override
    public void onError(UpstreamException error) {
        sink.error(error);
    }

    @Override
    public boolean wantsMore() {
        return errorBody != null || head == null || sink.requestedFromDownstream() > 0;
    }
}
