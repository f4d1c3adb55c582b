package dev.tiergate.server.e2e;

import static dev.tiergate.server.e2e.AdminCalls.admin;
import static dev.tiergate.server.e2e.AdminCalls.chat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code admin.routing-store: redis}: a team's model switch made on one replica is kept in Redis, not
 * in its team file, and served by another replica (its own copy of the config folder) from its next
 * requests; it survives a restart; a switch the config rejects is answered 400 and leaves Redis as it
 * was; every switch is in the shared audit log.
 */
class RoutingSwitchesInRedisEndToEndTest {
    private static final String ADMIN_KEYS = "admin-keys: [{id: ops, sha256: " + AccountingFixtures.ADMIN_SHA256 + "}]\n";
    private static final String TEAM_FILE = "# team-a: kept by the routing store test\n" + TestGateway.teamYaml("");

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    private String url;
    private String prefix;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    @BeforeEach
    void folders() throws Exception {
        url = RedisSupport.url();
        prefix = RedisSupport.uniquePrefix("routing-switches");
        client = RedisClient.create(url);
        connection = client.connect();
        for (Path dir : List.of(dirA, dirB)) {
            Files.createDirectories(dir.resolve("teams"));
            Files.writeString(dir.resolve("gateway.yaml"), "server: {host: 127.0.0.1}\n" + TestGateway.DEMO_TIERS_YAML
                    + ADMIN_KEYS + "redis: {url: \"" + url + "\", key-prefix: \"" + prefix + "\"}\n"
                    + "admin: {routing-store: redis}\n" + "usage: {file: \"" + dir.resolve("usage.jsonl") + "\"}\n");
            Files.writeString(dir.resolve("teams/team-a.yaml"), TEAM_FILE);
        }
    }

    @AfterEach
    void cleanUp() {
        RedisSupport.deleteKeys(url, prefix);
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }

    @Test
    void aSwitchOnOneReplicaIsServedByTheOtherKeptAcrossARestartAndABadOneLeavesRedisAsItWas() throws Exception {
        List<Long> propagation = new ArrayList<>();
        try (TestGateway a = TestGateway.startFrom(dirA, false); TestGateway b = TestGateway.startFrom(dirB, false)) {
            assertThat(modelOf(b, "auto", "before")).isEqualTo("demo-small");

            JsonNode switched = admin(a, "PUT", "/admin/teams/team-a/aliases/auto", """
                    {"tiers": {"small": ["demo-mid"], "frontier": ["demo-frontier"]}, "default_tier": "small"}""", 200);
            assertThat(switched.at("/aliases/auto/tiers/small/0").asText()).isEqualTo("demo-mid");
            assertThat(modelOf(a, "auto", "on a")).isEqualTo("demo-mid");
            propagation.add(AdminCalls.await(() -> modelOf(b, "auto", "on b " + System.nanoTime()).equals("demo-mid"),
                    Duration.ofSeconds(2), "replica b serves the switch"));
            assertThat(Files.readString(dirA.resolve("teams/team-a.yaml"))).isEqualTo(TEAM_FILE);
            assertThat(stored()).containsOnlyKeys("aliases.auto");

            admin(b, "PUT", "/admin/teams/team-a/default-model", "{\"model\": \"auto\"}", 200);
            propagation.add(AdminCalls.await(() -> "auto".equals(admin(a, "GET", "/admin/teams/team-a/routing", null,
                    200).path("default_model").asText()), Duration.ofSeconds(2), "replica a has the new default model"));

            Map<String, String> before = stored();
            String version = redis().get(prefix + "routing:version");
            JsonNode refused = admin(b, "PUT", "/admin/teams/team-a/aliases/auto",
                    "{\"tiers\": {\"small\": [\"no-such-model\"]}}", 400);
            assertThat(refused.at("/error/code").asText()).isEqualTo("invalid_config");
            assertThat(refused.at("/error/message").asText()).contains("no-such-model");
            assertThat(stored()).isEqualTo(before);
            assertThat(redis().get(prefix + "routing:version")).isEqualTo(version);
            assertThat(modelOf(b, "auto", "after the refusal")).isEqualTo("demo-mid");

            JsonNode audit = admin(a, "GET", "/admin/audit?action=teams", null, 200).path("entries");
            assertThat(audit.findValuesAsText("action")).containsExactly("teams.set_alias", "teams.set_default_model",
                    "teams.set_alias");
            assertThat(audit.findValuesAsText("outcome")).containsExactly("invalid_config", "ok", "ok");
            assertThat(audit.findValuesAsText("admin")).containsOnly("ops");
            System.out.println("model switches served by the other replica after (ms): " + propagation);
        }

        try (TestGateway restarted = TestGateway.startFrom(dirB, false)) {
            assertThat(modelOf(restarted, "auto", "after the restart")).isEqualTo("demo-mid");
            assertThat(admin(restarted, "GET", "/admin/teams/team-a/routing", null, 200).path("default_model").asText())
                    .isEqualTo("auto");
            // removing the team's alias brings back gateway.yaml's alias of that name, also kept in Redis
            admin(restarted, "DELETE", "/admin/teams/team-a/aliases/auto", null, 200);
            assertThat(modelOf(restarted, "auto", "after the removal")).isEqualTo("demo-small");
            assertThat(stored()).containsEntry("aliases.auto", "null");
        }
        assertThat(Files.readString(dirB.resolve("teams/team-a.yaml"))).isEqualTo(TEAM_FILE);
    }

    private static String modelOf(TestGateway gateway, String model, String prompt) {
        var response = chat(gateway, TestGateway.KEY, model, prompt);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("x-tiergate-model").orElseThrow();
    }

    private Map<String, String> stored() {
        return redis().hgetall(prefix + "routing:team:team-a");
    }

    private RedisCommands<String, String> redis() {
        return connection.sync();
    }
}
