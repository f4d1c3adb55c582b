package dev.tiergate.providers.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A connection asks for the TLS context only when its origin is https, so plain-HTTP providers never make one. */
class UpstreamChannelHandlerTest {
    private final AtomicInteger asked = new AtomicInteger();

    @Test
    void aPlainHttpConnectionNeverAsksForTheTlsContext() {
        EmbeddedChannel channel = new EmbeddedChannel();
        new UpstreamChannelHandler(Origin.of(URI.create("http://127.0.0.1:8000/v1")), counting()).channelCreated(channel);

        assertThat(asked).hasValue(0);
        assertThat(channel.pipeline().names()).contains(UpstreamChannelHandler.HTTP, UpstreamChannelHandler.IDLE_GUARD)
                .doesNotContain(UpstreamChannelHandler.TLS);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anHttpsConnectionStartsWithTls() {
        EmbeddedChannel channel = new EmbeddedChannel();
        new UpstreamChannelHandler(Origin.of(URI.create("https://api.example.com/v1")), counting()).channelCreated(channel);

        assertThat(asked).hasValue(1);
        assertThat(channel.pipeline().names().getFirst()).isEqualTo(UpstreamChannelHandler.TLS);
        channel.close();
        channel.finishAndReleaseAll();
    }

    private Supplier<SslContext> counting() {
        return () -> {
            asked.incrementAndGet();
            try {
                return SslContextBuilder.forClient().build();
            } catch (javax.net.ssl.SSLException e) {
                throw new IllegalStateException(e);
            }
        };
    }
}
