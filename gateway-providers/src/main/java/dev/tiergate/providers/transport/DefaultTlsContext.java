package dev.tiergate.providers.transport;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;

/**
 * The TLS context of upstream connections: one per process, shared by every provider's client, and
 * made on first use, since making it loads the JDK's TLS stack and trust store (some 350 classes and
 * every trusted certificate), which a gateway whose providers all speak plain HTTP never needs.
 */
final class DefaultTlsContext {
    private DefaultTlsContext() {
    }

    /** The context, made by the first call (tens of milliseconds): call it off the event loops first. */
    static SslContext get() {
        return Holder.CONTEXT;
    }

    private static final class Holder {
        static final SslContext CONTEXT = create();

        private static SslContext create() {
            try {
                return SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot create the default TLS context", e);
            }
        }
    }
}
