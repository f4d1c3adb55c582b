package dev.tiergate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.config.ServerConfig;
import dev.tiergate.server.auth.AuthFailures;
import dev.tiergate.server.config.ConfigLoader;
import dev.tiergate.server.config.ConfigSource;
import dev.tiergate.server.health.HeapHeadroom;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import dev.tiergate.server.responses.InMemoryResponseStore;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /readyz} on both ports of a real server, with a fake heap reading. */
class ReadinessEndpointTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicReference<Double> usedAfterGc = new AtomicReference<>(0.5);
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private GatewayServer server;

    @BeforeEach
    void start() throws InterruptedException {
        ServerConfig config = new ConfigLoader(Map.<String, String>of()::get).load(new ConfigSource("test", """
                server: {host: 127.0.0.1, port: 0, management-port: 0, ready-max-heap-percent: 90}
                providers: {sim: {type: demo}}
                models: {m: {provider: sim}}
                """, Map.of("teams/t.yaml", "id: t\nkeys: [{id: k, sha256: " + "a".repeat(64) + "}]\n"))).server();
        server = GatewayServer.start(config, group, () -> {
            throw new IllegalStateException("only probes are asked");
        }, ServerAccounting.NONE, ConfigReloader.NONE, HeapHeadroom.of(config.readyMaxHeapPercent(), usedAfterGc::get),
                AuthFailures.NONE, new ResponsesServices(new InMemoryResponseStore(Duration.ofMinutes(1), 1 << 20,
                        Clock.systemUTC()), dev.tiergate.inference.tokens.JtokkitTokenCounter.o200k()));
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aHeapFullerThanTheLimitAfterGcFailsReadinessWithTheReason() throws Exception {
        assertThat(get(server.port(), "/readyz").body()).isEqualTo("{\"status\":\"ready\"}");
        usedAfterGc.set(0.95);
        for (int port : new int[] {server.port(), server.managementPort()}) {
            HttpResponse<String> notReady = get(port, "/readyz");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).isEqualTo("{\"status\":\"not_ready\",\"reason\":\"heap 95% full after the last "
                    + "garbage collection (ready-max-heap-percent: 90)\"}");
            assertThat(get(port, "/healthz").statusCode()).as("still alive").isEqualTo(200);
        }
        usedAfterGc.set(0.7);
        assertThat(get(server.port(), "/readyz").statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
