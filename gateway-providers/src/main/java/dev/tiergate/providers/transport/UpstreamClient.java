package dev.tiergate.providers.transport;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.ProviderConfig;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;

/**
 * A non-blocking HTTP/1.1 client for provider APIs, on Netty. Connections are pooled and kept
 * alive per (event loop, origin), bounded by {@link UpstreamOptions#maxConnections()}; when the
 * executor passed to a call is a Netty event loop the whole exchange runs on it. TLS (with SNI and
 * host name verification) is used for {@code https} URIs. Failures are {@link UpstreamException}s.
 *
 * <p>Create one per provider ({@code UpstreamClient.forProvider(providerConfig)})
 * and {@link #close()} it at shutdown.
 */
public final class UpstreamClient implements AutoCloseable {
    private final UpstreamOptions options;
    private final ConnectionPools pools;

    /** With the process's TLS context, made when a first connection needs it. */
    public UpstreamClient(UpstreamOptions options) {
        this(options, (Supplier<SslContext>) DefaultTlsContext::get);
    }

    /** With a custom TLS context (trust store, client certificate, test certificates). */
    public UpstreamClient(UpstreamOptions options, SslContext sslContext) {
        this(options, constant(requireNonNull(sslContext, "sslContext")));
    }

    private UpstreamClient(UpstreamOptions options, Supplier<SslContext> tls) {
        this.options = requireNonNull(options, "options");
        this.pools = new ConnectionPools(options, tls);
    }

    /**
     * A client sized from a provider's config. When the provider's base URL is {@code https} the TLS
     * context is made now (once per process), so that no event loop waits for it at the first
     * connection; for plain {@code http} it is never made.
     */
    public static UpstreamClient forProvider(ProviderConfig config) {
        requireNonNull(config, "config");
        if (config.baseUrl() == null || !"http".equalsIgnoreCase(config.baseUrl().getScheme())) {
            DefaultTlsContext.get();
        }
        return new UpstreamClient(UpstreamOptions.from(config));
    }

    private static Supplier<SslContext> constant(SslContext context) {
        return () -> context;
    }

    public UpstreamOptions options() {
        return options;
    }

    /**
     * Sends {@code request} and reads the whole response, whatever its status (non-2xx bodies are
     * truncated at {@code maxErrorBodyBytes}). Cancelling the returned future closes the connection.
     */
    public CompletionStage<UpstreamResponse> send(UpstreamRequest request, Executor executor) {
        requireNonNull(request, "request");
        CompletableFuture<UpstreamResponse> result = new CompletableFuture<>();
        UpstreamRoundTrip exchange = newExchange(request, executor, new FullResponseListener(result, options));
        result.whenComplete((r, t) -> {
            if (result.isCancelled()) {
                exchange.cancel();
            }
        });
        exchange.start();
        return result;
    }

    /** {@link #stream(UpstreamRequest, Executor, Consumer)} without interest in the response head. */
    public Flux<byte[]> stream(UpstreamRequest request, Executor executor) {
        return stream(request, executor, head -> { });
    }

    /**
     * A cold stream of the response body: each subscription sends the request; body slices are
     * read only as the subscriber requests them; cancelling closes the connection. {@code onHead}
     * sees the status and headers of a 2xx response before its first slice; a non-2xx response
     * fails the stream with an {@link UpstreamStatusException} holding the error body.
     */
    public Flux<byte[]> stream(UpstreamRequest request, Executor executor, Consumer<ResponseHead> onHead) {
        requireNonNull(request, "request");
        requireNonNull(onHead, "onHead");
        EventLoop loop = EventLoops.select(requireNonNull(executor, "executor"));
        return new StreamedBody(loop, listener -> newExchange(request, loop, listener), onHead,
                options.maxErrorBodyBytes());
    }

    private UpstreamRoundTrip newExchange(UpstreamRequest request, Executor executor, RoundTripListener listener) {
        return newExchange(request, EventLoops.select(requireNonNull(executor, "executor")), listener);
    }

    private UpstreamRoundTrip newExchange(UpstreamRequest request, EventLoop loop, RoundTripListener listener) {
        return new UpstreamRoundTrip(pools.pool(loop, Origin.of(request.uri())), loop, request, listener, options);
    }

    /** Closes the pooled connections; in-flight exchanges fail. */
    @Override
    public void close() {
        pools.close();
    }
}
