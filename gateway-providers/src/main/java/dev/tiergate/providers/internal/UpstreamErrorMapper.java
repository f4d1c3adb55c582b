package dev.tiergate.providers.internal;

import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.providers.transport.UpstreamResponse;
import java.time.Clock;

/**
 * How one provider's failures become gateway errors; {@link UpstreamCalls} reports every failure
 * through it. A provider's mapper says how its error bodies read ({@link #fromResponse}) and adds
 * what its stream decoder needs; the rest is {@link UpstreamFailures}.
 */
public abstract class UpstreamErrorMapper {
    protected final UpstreamFailures failures;

    /** {@code clock} reads Retry-After dates. */
    protected UpstreamErrorMapper(String provider, Clock clock) {
        this.failures = new UpstreamFailures(provider, clock);
    }

    /** Any failure of a call (building the request, the transport, a non-2xx answer), as a gateway error. */
    public final GatewayError map(Throwable failure) {
        return failures.map(failure, this::fromResponse);
    }

    /** A non-2xx answer, its body read the provider's way. */
    public abstract UpstreamError fromResponse(UpstreamResponse response);

    /** An answer that cannot be read. */
    public final UpstreamError malformed(String detail, Throwable cause) {
        return failures.malformed(detail, cause);
    }
}
