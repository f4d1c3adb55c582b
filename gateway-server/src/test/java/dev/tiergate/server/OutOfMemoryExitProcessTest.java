package dev.tiergate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import dev.tiergate.server.testing.ChildGateway;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@link Main} in a child JVM whose Netty may use 1 MB of direct memory: a 2 MB request
 * makes the event loop's buffer allocation fail with Netty's {@code OutOfDirectMemoryError} (which
 * {@code -XX:+ExitOnOutOfMemoryError} does not cover), and the process ends with status 3 and one
 * log line instead of serving on with a broken loop.
 */
class OutOfMemoryExitProcessTest {
    private static final String KEY = "sk-oom-test";

    @Test
    void runningOutOfDirectMemoryOnAnEventLoopEndsTheProcessWithOneLine(@TempDir Path dir) throws Exception {
        ChildGateway gateway = ChildGateway.start(ChildGateway.writeDemoConfig(dir, KEY), Map.of(), line -> true, "-Xmx256m",
                "-Dio.netty.maxDirectMemory=1048576");
        Process child = gateway.process();
        List<String> output = gateway.output();
        try {
            send2MbRequest(gateway.port(Duration.ofSeconds(60)));
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("exited; output:%n%s", String.join("\n", output)).isTrue();
            gateway.awaitOutput(Duration.ofSeconds(5));
            assertThat(child.exitValue()).as(String.join("\n", output)).isEqualTo(3);
            assertThat(output).filteredOn(line -> line.contains("out of memory")).singleElement().satisfies(line ->
                    assertThat(line).contains("ERROR").contains("in thread tiergate-io-")
                            .contains("direct memory").contains("exiting with status 3"));
            assertThat(output).noneMatch(line -> line.startsWith("\tat "));
        } finally {
            child.destroyForcibly();
        }
    }

    /** A request the gateway must buffer whole (its key is known); the connection may be reset while it is sent. */
    private static void send2MbRequest(int port) {
        byte[] body = ("{\"model\":\"demo-small\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(2 * 1024 * 1024) + "\"}]}").getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + KEY + "\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            socket.getInputStream().read();
        } catch (IOException expected) {
            // the process ends while it reads
        }
    }
}
