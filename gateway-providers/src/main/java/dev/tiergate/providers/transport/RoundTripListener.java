package dev.tiergate.providers.transport;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;

/** What an {@link UpstreamRoundTrip} reports, always on the connection's event loop. */
interface RoundTripListener {

    void onHead(HttpResponse head);

    /** A body slice; valid only during the call (the exchange releases it afterwards). */
    void onContent(ByteBuf content);

    void onComplete();

    /** Exactly one of {@link #onComplete()} and this is called, once. */
    void onError(UpstreamException error);

    /** Whether to read more now; a streaming listener answers from its subscriber's demand. */
    boolean wantsMore();
}
