package dev.tiergate.providers.transport;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/** Reads a whole response (success bounded by maxBodyBytes, error bodies truncated) into a future. */
final class FullResponseListener implements RoundTripListener {
    private final CompletableFuture<UpstreamResponse> result;
    private final UpstreamOptions options;
    private HttpResponse head;
    private BodyBuffer body;

    FullResponseListener(CompletableFuture<UpstreamResponse> result, UpstreamOptions options) {
        this.result = result;
        this.options = options;
    }

    @Override
    public void onHead(HttpResponse response) {
        head = response;
        boolean success = response.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.SUCCESS;
        body = new BodyBuffer(success ? options.maxBodyBytes() : options.maxErrorBodyBytes());
    }

    @Override
    public void onContent(ByteBuf content) {
        body.append(content);
    }

    @Override
    public void onComplete() {
        UpstreamResponse response = new UpstreamResponse(head.status().code(),
                new DefaultHttpHeaders().add(head.headers()), body.toByteArray());
        if (response.isSuccess() && body.overflowed()) {
            result.completeExceptionally(new UpstreamConnectionException(
                    "upstream response body larger than " + options.maxBodyBytes() + " bytes", null));
        } else {
            result.complete(response);
        }
    }

    @Override
    public void onError(UpstreamException error) {
        result.completeExceptionally(error);
    }

    @Override
    public boolean wantsMore() {
        return !result.isDone();
    }
}
