package dev.tiergate.server.reliability;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible upstream on a raw socket whose streamed answers never end: it writes SSE
 * chunks of about 1 KB, one every {@code pause} (5 KB/s at 200 ms, ten times a real model's
 * pace; none at all: as fast as the gateway takes them), for as long as the gateway reads them (its writes block when the gateway stops
 * reading, so an upstream that outpaces the client shows whether the gateway buffers).
 * Plain requests get a short JSON completion. One request per connection.
 */
final class EndlessStreamUpstream implements AutoCloseable {
    private static final String DELTA = "x".repeat(1000);

    private final ServerSocket server;
    private final AtomicInteger open = new AtomicInteger();
    private final long pauseMillis;

    EndlessStreamUpstream(java.time.Duration pause) throws IOException {
        this.pauseMillis = pause.toMillis();
        server = new ServerSocket(0, 1024);
        Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections from the gateway still open. */
    int openConnections() {
        return open.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            String request = readRequest(new BufferedInputStream(socket.getInputStream()));
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
        } catch (IOException gatewayWentAway) {
            // the gateway closed the stream: this connection is done
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.decrementAndGet();
        }
    }

    /** Reads a request head and its Content-Length body; returns the body. */
    private static String readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the head ended");
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
