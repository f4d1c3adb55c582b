package dev.tiergate.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.server.Gateway;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Hot reload of gateway.yaml and team files: on request, on a file change, and never with a broken file. */
class ConfigReloadTest {
    private static final String KEY_B = "sk-test-team-b";
    private static final String KEY_B_SHA256 = "%064x".formatted(new java.math.BigInteger(1,
            dev.tiergate.server.auth.ApiKeyAuthenticator.sha256(KEY_B)));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> gatewayLog = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        gatewayLog.start();
        ((Logger) LoggerFactory.getLogger(Gateway.class)).addAppender(gatewayLog);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger(Gateway.class)).detachAppender(gatewayLog);
    }

    private String gatewayYaml(int chunkDelayMs) {
        return """
                server: {host: 127.0.0.1, port: 0, shutdown-grace-seconds: 20}
                providers:
                  sim: {type: demo, options: {first-token-ms: 0, chunk-delay-ms: %d}}
                models:
                  demo-frontier: {provider: sim}
                admin-keys: [{id: ops, sha256: %s}]
                usage: {file: "%s"}
                """.formatted(chunkDelayMs, AccountingFixtures.ADMIN_SHA256, dir.resolve("usage.jsonl"));
    }

    private static String teamB() {
        return "id: team-b\nkeys:\n  - id: key-b\n    sha256: " + KEY_B_SHA256 + "\n";
    }

    private void write(String file, String text) throws IOException {
        Path path = dir.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }

    private TestGateway start(int chunkDelayMs, boolean watch) throws Exception {
        write("gateway.yaml", gatewayYaml(chunkDelayMs));
        write("teams/team-a.yaml", TestGateway.teamYaml(""));
        return TestGateway.startFrom(dir, watch);
    }

    @Test
    void reloadAppliesAChangeAndRejectsABrokenFileWhileServing() throws Exception {
        try (TestGateway gateway = start(0, false)) {
            assertThat(chat(gateway, KEY_B).statusCode()).isEqualTo(401);

            write("teams/team-b.yaml", teamB());
            HttpResponse<String> added = reload(gateway, AccountingFixtures.ADMIN_KEY);
            assertThat(added.statusCode()).isEqualTo(200);
            assertThat(AccountingFixtures.json(added.body()).get("changes").toString()).contains("teams added: team-b");
            assertThat(chat(gateway, KEY_B).statusCode()).isEqualTo(200);
            assertThat(chat(gateway, TestGateway.KEY).statusCode()).isEqualTo(200);

            Files.delete(dir.resolve("teams/team-a.yaml"));
            assertThat(reload(gateway, AccountingFixtures.ADMIN_KEY).statusCode()).isEqualTo(200);
            assertThat(chat(gateway, TestGateway.KEY).statusCode()).isEqualTo(401);

            write("gateway.yaml", gatewayYaml(0).replace("models:", "modles:"));
            HttpResponse<String> typo = reload(gateway, AccountingFixtures.ADMIN_KEY);
            assertThat(typo.statusCode()).isEqualTo(400);
            JsonNode error = AccountingFixtures.json(typo.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("invalid_config");
            assertThat(error.get("message").asText()).contains("gateway.yaml:").contains("modles");
            assertThat(gatewayLog.list).anySatisfy(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.ERROR);
                assertThat(event.getFormattedMessage()).contains("rejected").contains("gateway.yaml:").contains("modles");
            });
            assertThat(chat(gateway, KEY_B).statusCode()).isEqualTo(200);

            write("gateway.yaml", "providers: [\n");
            HttpResponse<String> badYaml = reload(gateway, AccountingFixtures.ADMIN_KEY);
            assertThat(badYaml.statusCode()).isEqualTo(400);
            assertThat(badYaml.body()).contains("gateway.yaml:").contains("not valid YAML");
            assertThat(chat(gateway, KEY_B).statusCode()).isEqualTo(200);

            write("gateway.yaml", gatewayYaml(0));
            HttpResponse<String> fixed = reload(gateway, AccountingFixtures.ADMIN_KEY);
            assertThat(fixed.statusCode()).isEqualTo(200);
            assertThat(AccountingFixtures.json(fixed.body()).get("status").asText()).isEqualTo("unchanged");
            assertThat(chat(gateway, KEY_B).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aStreamStartedBeforeAReloadFinishesOnTheConfigItStartedWith() throws Exception {
        // 100 ms a chunk: the stream (about 9 s) outlasts the reload (milliseconds). The body is read on a thread of
        // its own: read in thenApply, it ran on this thread whenever the headers came first, and the reload then
        // waited for the whole stream.
        try (TestGateway gateway = start(100, false);
             ExecutorService reader = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch firstLine = new CountDownLatch(1);
            CompletableFuture<List<String>> stream = HTTP.sendAsync(chatRequest(gateway, TestGateway.KEY, true),
                    HttpResponse.BodyHandlers.ofLines()).thenApplyAsync(response -> {
                        assertThat(response.statusCode()).isEqualTo(200);
                        List<String> lines = new ArrayList<>();
                        try (Stream<String> body = response.body()) {
                            body.forEach(line -> {
                                lines.add(line);
                                firstLine.countDown();
                            });
                        }
                        return lines;
                    }, reader);
            assertThat(firstLine.await(10, TimeUnit.SECONDS)).isTrue();

            write("gateway.yaml", gatewayYaml(0));
            Files.delete(dir.resolve("teams/team-a.yaml"));
            write("teams/team-b.yaml", teamB());
            HttpResponse<String> reloaded = reload(gateway, AccountingFixtures.ADMIN_KEY);
            assertThat(reloaded.statusCode()).isEqualTo(200);
            assertThat(reloaded.body()).contains("providers changed: sim").contains("teams removed: team-a");
            assertThat(stream).isNotDone();
            assertThat(chat(gateway, TestGateway.KEY).statusCode()).isEqualTo(401);
            assertThat(chat(gateway, KEY_B).statusCode()).isEqualTo(200);

            List<String> lines = stream.get(30, TimeUnit.SECONDS).stream().filter(line -> !line.isEmpty()).toList();
            assertThat(lines.getLast()).isEqualTo("data: [DONE]");
            assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"finish_reason\":\"stop\""));
        }
    }

    @Test
    void aChangedFileIsPickedUpWithoutBeingAsked() throws Exception {
        try (TestGateway gateway = start(0, true)) {
            assertThat(chat(gateway, KEY_B).statusCode()).isEqualTo(401);
            write("teams/team-b.yaml", teamB());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int status = 0;
            while (System.nanoTime() < deadline && (status = chat(gateway, KEY_B).statusCode()) != 200) {
                Thread.sleep(100);
            }
            assertThat(status).isEqualTo(200);
        }
    }

    @Test
    void reloadNeedsAnAdminKeyAndSaysWhatNeedsARestart() throws Exception {
        try (TestGateway gateway = start(0, false)) {
            assertThat(reload(gateway, null).statusCode()).isEqualTo(401);
            assertThat(reload(gateway, "sk-wrong").statusCode()).isEqualTo(401);
            HttpResponse<String> teamKey = reload(gateway, TestGateway.KEY);
            assertThat(teamKey.statusCode()).isEqualTo(403);
            assertThat(teamKey.body()).contains("admin_key_required");

            write("gateway.yaml", gatewayYaml(0).replace("port: 0", "port: 0, io-threads: 3"));
            HttpResponse<String> restart = reload(gateway, AccountingFixtures.ADMIN_KEY);
            assertThat(restart.statusCode()).isEqualTo(200);
            assertThat(AccountingFixtures.json(restart.body()).get("restart_required").toString()).contains("server");
            assertThat(chat(gateway, TestGateway.KEY).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aGatewayWithoutAConfigFolderCannotReload() throws Exception {
        try (TestGateway gateway = TestGateway.start(gatewayYaml(0), Map.of(),
                Map.of("teams/team-a.yaml", TestGateway.teamYaml("")))) {
            HttpResponse<String> response = reload(gateway, AccountingFixtures.ADMIN_KEY);
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).contains("reload_unavailable").contains("--config");
        }
    }

    private static HttpResponse<String> reload(TestGateway gateway, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.managementUri("/admin/reload"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> chat(TestGateway gateway, String key) throws Exception {
        return HTTP.send(chatRequest(gateway, key, false), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest chatRequest(TestGateway gateway, String key, boolean stream) {
        String body = "{\"model\":\"demo-frontier\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Count to twenty\"}]}";
        return HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
