package dev.tiergate.server.reliability;

import dev.tiergate.server.e2e.UpstreamFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible upstream on a raw socket that misbehaves as told: resets,
 * stalls, malformed bytes, error statuses. One request per connection, so the gateway never
 * reuses a connection across faults; a stalled connection stays open until the gateway closes it,
 * and {@link #openConnections()} counts those still open.
 */
final class FaultyUpstream implements AutoCloseable {
    /** What the upstream does with a request. */
    enum Fault {
        OK, RESET_BEFORE_HEAD, RESET_MID_BODY, RESET_MID_STREAM, CLOSE_MID_STREAM, STALL_BEFORE_HEAD, STALL_MID_STREAM,
        MALFORMED_CHUNK_SIZE, MALFORMED_SSE_JSON, MALFORMED_JSON_BODY, NOT_HTTP, HTML_INSTEAD_OF_JSON, HUGE_HEADER,
        STATUS_503, STATUS_429
    }

    static final String MODEL = "gpt-4o-mini";

    private final OneConnectionPerRequestServer server;
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile Fault fault = Fault.OK;
    private volatile int faultyConnections = Integer.MAX_VALUE;

    FaultyUpstream() throws IOException {
        server = new OneConnectionPerRequestServer(50, this::serve);
    }

    int port() {
        return server.port();
    }

    /** Misbehaves with {@code fault} from now on. */
    void fail(Fault fault) {
        failFor(fault, Integer.MAX_VALUE);
    }

    /** Misbehaves with {@code fault} on the next {@code connections} connections, then answers properly. */
    void failFor(Fault fault, int connections) {
        this.accepted.set(0);
        this.faultyConnections = connections;
        this.fault = fault;
    }

    int openConnections() {
        return server.openConnections();
    }

    private void serve(Socket socket) throws IOException {
        Fault now = accepted.incrementAndGet() <= faultyConnections ? fault : Fault.OK;
        String request = OneConnectionPerRequestServer.readRequest(socket.getInputStream());
        boolean stream = request.contains("\"stream\":true");
        OutputStream out = socket.getOutputStream();
        switch (now) {
            case OK -> answer(out, stream);
            case RESET_BEFORE_HEAD -> reset(socket);
            case RESET_MID_BODY -> {
                String body = UpstreamFixtures.completionJson(MODEL, UpstreamFixtures.ANSWER_WORDS);
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                        + "\r\n\r\n" + body.substring(0, body.length() / 3));
                reset(socket);
            }
            case RESET_MID_STREAM -> {
                streamHead(out);
                chunk(out, firstFrames());
                reset(socket);
            }
            case CLOSE_MID_STREAM -> {
                streamHead(out);
                chunk(out, firstFrames());
            }
            case STALL_BEFORE_HEAD -> awaitGatewayClose(socket);
            case STALL_MID_STREAM -> {
                streamHead(out);
                chunk(out, firstFrames());
                awaitGatewayClose(socket);
            }
            case MALFORMED_CHUNK_SIZE -> {
                streamHead(out);
                chunk(out, firstFrames());
                write(out, "zz\r\ndata: {}\r\n");
            }
            case MALFORMED_SSE_JSON -> {
                streamHead(out);
                chunk(out, firstFrames() + "data: {\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"x\"\n\n"
                        + "data: [DONE]\n\n");
                write(out, "0\r\n\r\n");
            }
            case MALFORMED_JSON_BODY -> {
                String body = "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"message\":";
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body);
            }
            case NOT_HTTP -> write(out, "SSH-2.0-OpenSSH_9.6\r\n\u0000\u0001garbage\r\n\r\n");
            case HTML_INSTEAD_OF_JSON -> {
                String body = "<html><body>Bad gateway of a proxy in front</body></html>";
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\nContent-Length: "
                        + body.length() + "\r\n\r\n" + body);
            }
            case HUGE_HEADER -> write(out, "HTTP/1.1 200 OK\r\nX-Huge: " + "h".repeat(200_000)
                    + "\r\nContent-Length: 0\r\n\r\n");
            case STATUS_503 -> error(out, 503, "", "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
            case STATUS_429 -> error(out, 429, "Retry-After: 1\r\n", "{\"error\":{\"message\":\"Rate limit reached\","
                    + "\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}");
        }
    }

    private static void answer(OutputStream out, boolean stream) throws IOException {
        if (stream) {
            streamHead(out);
            chunk(out, UpstreamFixtures.streamBody(MODEL, UpstreamFixtures.ANSWER_WORDS));
            write(out, "0\r\n\r\n");
        } else {
            String body = UpstreamFixtures.completionJson(MODEL, UpstreamFixtures.ANSWER_WORDS);
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
        }
    }

    private static void error(OutputStream out, int status, String headers, String body) throws IOException {
        write(out, "HTTP/1.1 " + status + " Error\r\nContent-Type: application/json\r\nConnection: close\r\n" + headers
                + "Content-Length: " + body.length() + "\r\n\r\n" + body);
    }

    /** The role chunk and the first word of the answer, as SSE frames. */
    private static String firstFrames() {
        String all = UpstreamFixtures.streamBody(MODEL, UpstreamFixtures.ANSWER_WORDS);
        int second = all.indexOf("\n\n", all.indexOf("\n\n") + 2);
        return all.substring(0, second + 2);
    }

    private static void streamHead(OutputStream out) throws IOException {
        write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
    }

    private static void chunk(OutputStream out, String data) throws IOException {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        write(out, Integer.toHexString(bytes.length) + "\r\n");
        out.write(bytes);
        write(out, "\r\n");
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void reset(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Says nothing more and waits (up to a minute) for the gateway to close the connection. */
    private static void awaitGatewayClose(Socket socket) throws IOException {
        socket.setSoTimeout(60_000);
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[1024];
        while (in.read(buf) >= 0) {
            // the gateway has nothing more to say; wait for its close
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
