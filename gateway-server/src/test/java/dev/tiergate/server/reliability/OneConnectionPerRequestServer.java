package dev.tiergate.server.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw {@link ServerSocket} for test upstreams that answer one request per connection: accepts on
 * a virtual thread, serves each connection on its own, and counts the connections still open (so a
 * test can see whether the gateway closed what it abandoned).
 */
final class OneConnectionPerRequestServer implements AutoCloseable {
    /** Serves one accepted connection; the server closes it afterwards. */
    @FunctionalInterface
    interface ConnectionHandler {
        void serve(Socket socket) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final AtomicInteger open = new AtomicInteger();
    private final ConnectionHandler handler;

    OneConnectionPerRequestServer(int backlog, ConnectionHandler handler) throws IOException {
        this.handler = handler;
        this.server = new ServerSocket(0, backlog);
        this.acceptor = Thread.ofVirtual().start(this::acceptLoop);
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
            handler.serve(socket);
        } catch (IOException gatewayHungUp) {
            // the gateway closed the connection: that is its right
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.decrementAndGet();
        }
    }

    /** Reads a request head and its Content-Length body; returns both as text. */
    static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        int headEnd = -1;
        byte[] buf = new byte[8192];
        while (headEnd < 0) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("closed before a request");
            }
            seen.write(buf, 0, n);
            headEnd = seen.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
        }
        String text = seen.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.substring(0, headEnd).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        while (seen.size() < headEnd + 4 + length) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            seen.write(buf, 0, n);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
