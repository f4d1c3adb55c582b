package dev.tiergate.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.server.config.ConfigLoader;
import dev.tiergate.server.config.ConfigSource;
import dev.tiergate.server.fatal.ExitOnOutOfMemory;
import dev.tiergate.server.fatal.RecordingExit;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An out-of-memory error on one of the server's event loops calls the exit hook. */
class OutOfMemoryExitTest {

    @Test
    void anOutOfMemoryErrorOnAnEventLoopCallsTheExitHook(@TempDir Path dir) throws Exception {
        String yaml = """
                server: {host: 127.0.0.1, port: 0, management-port: off}
                providers: {sim: {type: demo}}
                models: {demo-small: {provider: sim}}
                usage: {file: "%s"}
                """.formatted(dir.resolve("usage.jsonl"));
        String team = "id: t\nkeys: [{id: k, sha256: " + "a".repeat(64) + "}]\n";
        GatewayConfig config = new ConfigLoader(Map.<String, String>of()::get)
                .load(new ConfigSource("test", yaml, Map.of("teams/t.yaml", team)));
        RecordingExit exit = new RecordingExit();
        try (Gateway gateway = Gateway.start(config, Clock.systemUTC(), null, new ExitOnOutOfMemory(exit))) {
            gateway.eventLoops().execute(() -> {
                throw new OutOfMemoryError("test: injected on an event loop");
            });
            assertThat(exit.awaitStatus(5)).isEqualTo(3);
        }
    }
}
