package dev.tiergate.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.tiergate.server.e2e.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that resets its connection (killed, crashed, timed out on its side) is routine: one
 * DEBUG line with the request id, never a warning or an error with a stack trace.
 */
@ExtendWith(NettyLeakDetection.class)
class ClientDisconnectLogTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String HANDLER = "dev.tiergate.server.http.GatewayHttpHandler";
    private static final Pattern ATTEMPT_START = Pattern.compile("attempt_start request_id=(req_[0-9a-f]+)");
    private static final String YAML = """
            server: {host: 127.0.0.1, io-threads: 1}
            providers:
              sim: {type: demo, options: {first-token-ms: 300, chunk-delay-ms: 50}}
            models:
              demo-small: {provider: sim}
            """;
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
    void aStreamResetMidwayIsOneDebugLineWithItsRequestId() throws Exception {
        try (CapturedLog log = CapturedLog.open("dev.tiergate.server.http", "tiergate.upstream")) {
            String requestId;
            try (Socket socket = send(true)) {
                requestId = readHead(socket.getInputStream()).get("x-tiergate-request-id");
                socket.setSoLinger(true, 0);
            }
            assertOneQuietLine(log, requestId);
        }
    }

    @Test
    void aPlainRequestResetBeforeItsAnswerIsOneDebugLineWithItsRequestId() throws Exception {
        try (CapturedLog log = CapturedLog.open("dev.tiergate.server.http", "tiergate.upstream")) {
            String requestId;
            try (Socket socket = send(false)) {
                ILoggingEvent started = log.await(e -> ATTEMPT_START.matcher(e.getFormattedMessage()).find(), WAIT);
                Matcher id = ATTEMPT_START.matcher(started.getFormattedMessage());
                assertThat(id.find()).isTrue();
                requestId = id.group(1);
                socket.setSoLinger(true, 0);
            }
            assertOneQuietLine(log, requestId);
        }
    }

    @Test
    void anIdleKeepAliveConnectionResetIsOneDebugLine() throws Exception {
        try (CapturedLog log = CapturedLog.open("dev.tiergate.server.http");
             RawHttpClient client = new RawHttpClient("127.0.0.1", gateway.port(), 10_000)) {
            RawHttpClient.Outcome models = client.exchange(HostileRequests.request("GET", "/v1/models", "HTTP/1.1",
                    List.of("Authorization: Bearer " + TestGateway.KEY), new byte[0]));
            assertThat(models.response().status()).isEqualTo(200);
            client.abort();
            log.await(e -> e.getLoggerName().equals(HANDLER) && e.getFormattedMessage().contains("failed"), WAIT);
            assertNothingLoud(log);
        }
    }

    /** The one line of the handler for this request, at DEBUG, and nothing louder anywhere. */
    private static void assertOneQuietLine(CapturedLog log, String requestId) throws InterruptedException {
        assertThat(requestId).startsWith("req_");
        log.await(e -> e.getLoggerName().equals(HANDLER) && e.getFormattedMessage().contains(requestId), WAIT);
        // the request's work is cancelled after the line, on the one event loop: a round trip behind it
        // on that loop comes back only once that is done
        barrier();
        List<ILoggingEvent> lines = log.events().stream()
                .filter(e -> e.getFormattedMessage().contains(requestId) && e.getLoggerName().startsWith("dev.tiergate"))
                .toList();
        assertThat(lines).singleElement().satisfies(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.DEBUG);
            assertThat(line.getFormattedMessage()).contains("the client went away");
            assertThat(line.getThrowableProxy()).isNull();
        });
        assertNothingLoud(log);
    }

    private static void barrier() {
        try (RawHttpClient client = new RawHttpClient("127.0.0.1", gateway.port(), 10_000)) {
            RawHttpClient.Outcome health = client.exchange(HostileRequests.request("GET", "/healthz", "HTTP/1.1",
                    List.of(), new byte[0]));
            assertThat(health.response().status()).isEqualTo(200);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertNothingLoud(CapturedLog log) {
        assertThat(log.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null)
                .extracting(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage())
                .isEmpty();
    }

    private static Socket send(boolean stream) throws IOException {
        byte[] body = ("{\"model\":\"demo-small\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Count to fifty\"}]}").getBytes(StandardCharsets.UTF_8);
        Socket socket = new Socket("127.0.0.1", gateway.port());
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(HostileRequests.request("POST", "/v1/chat/completions", "HTTP/1.1",
                List.of("Authorization: Bearer " + TestGateway.KEY, "Content-Type: application/json",
                        "Content-Length: " + body.length), body));
        return socket;
    }

    /** The response head's headers, lower-case names. */
    private static java.util.Map<String, String> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the head ended: " + head);
            }
            head.write(b);
        }
        java.util.Map<String, String> headers = new java.util.HashMap<>();
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }
}
