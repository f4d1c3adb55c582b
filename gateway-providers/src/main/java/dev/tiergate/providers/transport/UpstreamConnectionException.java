package dev.tiergate.providers.transport;

/** The connection failed: refused, reset, closed early, TLS failure, no free connection, body too large. */
public final class UpstreamConnectionException extends UpstreamException {
    public UpstreamConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
