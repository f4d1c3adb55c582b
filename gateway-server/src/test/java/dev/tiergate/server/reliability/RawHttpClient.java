package dev.tiergate.server.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately naive HTTP/1.1 client over a plain socket, so tests can send bytes no real client
 * would (broken heads, lying Content-Length, invalid UTF-8) and see exactly what comes back.
 */
final class RawHttpClient implements AutoCloseable {
    private final String host;
    private final int port;
    private final int readTimeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawHttpClient(String host, int port, int readTimeoutMillis) {
        this.host = host;
        this.port = port;
        this.readTimeoutMillis = readTimeoutMillis;
    }

    /** What one exchange produced: a response, or the connection closing (or timing out) without one. */
    record Outcome(Response response, boolean closedWithoutResponse, boolean timedOut) {
    }

    record Response(int status, Map<String, String> headers, byte[] body) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        boolean closes() {
            return "close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
        }
    }

    Outcome exchange(byte[] request) throws IOException {
        if (socket == null || socket.isClosed()) {
            socket = new Socket(host, port);
            socket.setSoTimeout(readTimeoutMillis);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }
        try {
            out.write(request);
            out.flush();
        } catch (IOException e) {
            reset();
            return new Outcome(null, true, false);
        }
        try {
            Response response = readResponse();
            if (response == null) {
                reset();
                return new Outcome(null, true, false);
            }
            if (response.closes()) {
                reset();
            }
            return new Outcome(response, false, false);
        } catch (SocketTimeoutException e) {
            reset();
            return new Outcome(null, false, true);
        } catch (IOException e) {
            reset();
            return new Outcome(null, true, false);
        }
    }

    private Response readResponse() throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            return null;
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        byte[] body;
        if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            while (true) {
                String size = readLine();
                if (size == null) {
                    throw new IOException("stream ended inside a chunked body");
                }
                int length = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (length == 0) {
                    readLine();
                    break;
                }
                all.write(in.readNBytes(length));
                readLine();
            }
            body = all.toByteArray();
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, headers, body);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private void reset() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        socket = null;
    }

    /** Drops the connection with a TCP reset (SO_LINGER 0), as a client that crashed or was killed. */
    void abort() throws IOException {
        if (socket != null) {
            socket.setSoLinger(true, 0);
        }
        reset();
    }

    @Override
    public void close() {
        reset();
    }
}
