package dev.tiergate.providers.transport;

import io.netty.handler.codec.http.HttpHeaders;

/** The status line and headers of a successful streaming response, before its body. */
public record ResponseHead(int status, HttpHeaders headers) {
}
