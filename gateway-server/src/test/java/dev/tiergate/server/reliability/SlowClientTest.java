package dev.tiergate.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.server.e2e.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Slow-loris clients: a request must arrive within {@code server.request-read-timeout-seconds}
 * after its first byte, however its bytes trickle in, and a silent connection is closed after
 * {@code server.idle-timeout-seconds}; while hundreds of such clients hang on, others are served.
 */
@ExtendWith(NettyLeakDetection.class)
class SlowClientTest {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    private static final String YAML = """
            server:
              host: 127.0.0.1
              request-read-timeout-seconds: %d
              idle-timeout-seconds: %d
            providers:
              sim: {type: demo, options: {first-token-ms: 0, chunk-delay-ms: 0}}
            models:
              demo-small: {provider: sim}
            """.formatted(READ_TIMEOUT.toSeconds(), IDLE_TIMEOUT.toSeconds());
    private static final byte[] BODY = "{\"model\":\"demo-small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
            .getBytes(StandardCharsets.UTF_8);
    private static final String HEAD = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + TestGateway.KEY + "\r\nContent-Type: application/json\r\nContent-Length: " + BODY.length + "\r\n\r\n";

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws InterruptedException {
        gateway = TestGateway.start(YAML);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aHeadTrickledByteByByteIsCutOffByTheReadTimeout() throws Exception {
        try (Socket socket = connect()) {
            Thread trickle = trickle(socket, HEAD.getBytes(StandardCharsets.US_ASCII), 0, 50);
            Closed closed = awaitClose(socket);
            trickle.interrupt();
            assertThat(closed.answer()).isEmpty();
            assertThat(closed.after()).isBetween(READ_TIMEOUT.minusMillis(100), READ_TIMEOUT.plusSeconds(2));
        }
    }

    @Test
    void aBodyTrickledByteByByteIsCutOffByTheReadTimeout() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(HEAD.getBytes(StandardCharsets.US_ASCII));
            Thread trickle = trickle(socket, BODY, 0, 50);
            Closed closed = awaitClose(socket);
            trickle.interrupt();
            assertThat(closed.answer()).isEmpty();
            assertThat(closed.after()).isBetween(READ_TIMEOUT.minusMillis(100), READ_TIMEOUT.plusSeconds(2));
        }
    }

    @Test
    void aBodyShorterThanItsContentLengthIsCutOffByTheReadTimeout() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
            out.write(BODY, 0, BODY.length / 2);
            out.flush();
            Closed closed = awaitClose(socket);
            assertThat(closed.answer()).isEmpty();
            assertThat(closed.after()).isBetween(READ_TIMEOUT.minusMillis(100), READ_TIMEOUT.plusSeconds(2));
        }
    }

    @Test
    void aSilentConnectionIsClosedWhenIdle() throws Exception {
        try (Socket socket = connect()) {
            Closed closed = awaitClose(socket);
            assertThat(closed.answer()).isEmpty();
            assertThat(closed.after()).isBetween(IDLE_TIMEOUT.minusMillis(100), IDLE_TIMEOUT.plusSeconds(2));
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterItsAnswer() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
            out.write(BODY);
            out.flush();
            Closed closed = awaitClose(socket);
            assertThat(closed.answer()).startsWith("HTTP/1.1 200");
            assertThat(closed.after()).isBetween(IDLE_TIMEOUT.minusMillis(100), IDLE_TIMEOUT.plusSeconds(2));
        }
    }

    @Test
    void keptAliveRequestsSpreadOverMoreThanTheReadTimeoutAreAllAnswered() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 4; i++) {
                out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
                out.write(BODY);
                out.flush();
                assertThat(readAnswerHead(in)).startsWith("HTTP/1.1 200");
                Thread.sleep(READ_TIMEOUT.toMillis() * 2 / 5);
            }
        }
    }

    @Test
    void aStalledRequestAfterAnAnsweredOneGetsTheWholeReadTimeout() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
            out.write(BODY);
            out.flush();
            assertThat(readAnswerHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
            Thread.sleep(READ_TIMEOUT.toMillis() * 7 / 10);
            out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
            out.write(BODY, 0, BODY.length / 2);
            out.flush();
            Closed closed = awaitClose(socket);
            assertThat(closed.after()).isBetween(READ_TIMEOUT.minusMillis(100), READ_TIMEOUT.plusSeconds(2));
        }
    }

    @Test
    void twoHundredSlowClientsDoNotKeepOthersFromBeingServed() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                Socket socket = connect();
                socket.getOutputStream().write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            try (RawHttpClient client = new RawHttpClient("127.0.0.1", gateway.port(), 5_000)) {
                for (int i = 0; i < 20; i++) {
                    long start = System.nanoTime();
                    RawHttpClient.Outcome outcome = client.exchange((HEAD + new String(BODY, StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8));
                    assertThat(outcome.response()).isNotNull();
                    assertThat(outcome.response().status()).isEqualTo(200);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
                }
            }
            for (Socket socket : slow) {
                assertThat(awaitClose(socket).after()).isLessThan(READ_TIMEOUT.plusSeconds(3));
            }
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    /** How long after the call the server closed the connection, and what it had sent. */
    private record Closed(Duration after, String answer) {
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", gateway.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Reads until the server closes; a read that waits 10 s means the server let the client hang on. */
    private static Closed awaitClose(Socket socket) throws IOException {
        long start = System.nanoTime();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                seen.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept a slow connection open for 10 s", e);
        } catch (IOException reset) {
            // closed by a reset: closed all the same
        }
        return new Closed(Duration.ofNanos(System.nanoTime() - start), seen.toString(StandardCharsets.ISO_8859_1));
    }

    /** Reads one whole answer (head and the body its Content-Length gives) and returns its head. */
    private static String readAnswerHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("the server closed the connection after: " + head);
            }
            head.append((char) b);
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        if (!length.find()) {
            throw new AssertionError("no Content-Length in: " + head);
        }
        in.readNBytes(Integer.parseInt(length.group(1)));
        return head.toString();
    }

    /** Writes {@code bytes} one at a time, {@code pauseMillis} apart, until done, closed or interrupted. */
    private static Thread trickle(Socket socket, byte[] bytes, int from, long pauseMillis) {
        return Thread.ofVirtual().start(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                for (int i = from; i < bytes.length; i++) {
                    out.write(bytes[i]);
                    out.flush();
                    Thread.sleep(pauseMillis);
                }
            } catch (IOException | InterruptedException e) {
                // the server hung up, or the test is done
            }
        });
    }
}
