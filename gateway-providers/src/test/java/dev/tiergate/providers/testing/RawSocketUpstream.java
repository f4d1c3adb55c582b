package dev.tiergate.providers.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 upstream on a plain server socket, for tests that need what WireMock cannot do on
 * the wire (a response cut mid-body, a client that must hang up): counts accepted connections and
 * runs a script per request on its own thread.
 */
public final class RawSocketUpstream implements AutoCloseable {

    /** What to do with one request on a connection; return false to stop serving that connection. */
    public interface Script {
        boolean serve(String requestHead, InputStream in, OutputStream out) throws IOException;
    }

    private final ServerSocket server;
    private final Script script;
    private final boolean reset;
    private final AtomicInteger connections = new AtomicInteger();
    /** What happened on the connections: {@code eof} when a client hung up, {@code error: ...}. */
    public final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    /** Closes (FIN) a connection once its script returns false. */
    public RawSocketUpstream(Script script) throws IOException {
        this(script, false);
    }

    private RawSocketUpstream(Script script, boolean reset) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        this.reset = reset;
        Thread acceptor = new Thread(this::acceptLoop, "raw-socket-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Resets (RST) a connection once its script returns false: a connection reset by peer. */
    public static RawSocketUpstream resetting(Script script) throws IOException {
        return new RawSocketUpstream(script, true);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    public int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(socket), "raw-socket-upstream-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    events.add("eof");
                    return;
                }
                readBody(head, in);
                if (!script.serve(head, in, out)) {
                    if (reset) {
                        socket.setSoLinger(true, 0);
                    }
                    return;
                }
            }
        } catch (IOException e) {
            events.add("error: " + e.getMessage());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            buf.write(b);
            String s = buf.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
        return null;
    }

    private static void readBody(String head, InputStream in) throws IOException {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).strip()));
            }
        }
    }

    /** Waits until the client's side of the connection is gone (EOF or reset). */
    public static boolean waitsForEof(InputStream in) {
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return true;
        }
    }

    public static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
