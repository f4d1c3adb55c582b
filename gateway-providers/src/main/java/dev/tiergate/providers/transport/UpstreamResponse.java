package dev.tiergate.providers.transport;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/** A fully read upstream response, whatever its status. {@code headers} must not be modified. */
public record UpstreamResponse(int status, HttpHeaders headers, byte[] body) {

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
