package dev.tiergate.providers.transport;

/** The upstream sent nothing for longer than the read timeout while we were waiting for it. */
public final class UpstreamTimeoutException extends UpstreamException {
    public UpstreamTimeoutException(String message) {
        super(message, null);
    }
}
