package dev.tiergate.server.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An OpenAI-compatible upstream on a raw socket whose streamed answers never end: it writes SSE
 * chunks of about 1 KB, one every {@code pause} (5 KB/s at 200 ms, ten times a real model's
 * pace; none at all: as fast as the gateway takes them), for as long as the gateway reads them (its writes block when the gateway stops
 * reading, so an upstream that outpaces the client shows whether the gateway buffers).
 * Plain requests get a short JSON completion. One request per connection.
 */
final class EndlessStreamUpstream implements AutoCloseable {
    private static final String DELTA = "x".repeat(1000);

    private final OneConnectionPerRequestServer server;
    private final long pauseMillis;

    EndlessStreamUpstream(java.time.Duration pause) throws IOException {
        this.pauseMillis = pause.toMillis();
        this.server = new OneConnectionPerRequestServer(1024, this::serve);
    }

    int port() {
        return server.port();
    }

    /** Connections from the gateway still open. */
    int openConnections() {
        return server.openConnections();
    }

    private void serve(Socket socket) throws IOException, InterruptedException {
        String request = OneConnectionPerRequestServer.readRequest(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        if (request.contains("\"stream\":true")) {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (long i = 0; ; i++) {
                out.write(("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + DELTA + i
                        + "\"},\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(pauseMillis);
            }
        }
        byte[] body = ("{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}")
                .getBytes(StandardCharsets.US_ASCII);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
