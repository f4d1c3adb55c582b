package dev.tiergate.providers.transport;

/** A streaming request got a non-2xx status; {@link #response()} holds the (bounded) error body. */
public final class UpstreamStatusException extends UpstreamException {
    private final transient UpstreamResponse response;

    public UpstreamStatusException(UpstreamResponse response) {
        super("upstream answered " + response.status(), null);
        this.response = response;
    }

    public UpstreamResponse response() {
        return response;
    }
}
