package dev.tiergate.providers.transport;

import java.io.IOException;

/** Why an upstream exchange failed, as the transport sees it; adapters map these to gateway errors. */
public abstract sealed class UpstreamException extends IOException
        permits UpstreamConnectionException, UpstreamTimeoutException, UpstreamStatusException {

    protected UpstreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
