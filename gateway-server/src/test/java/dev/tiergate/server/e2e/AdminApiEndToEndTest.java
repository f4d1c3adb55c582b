package dev.tiergate.server.e2e;

import static dev.tiergate.server.e2e.AdminCalls.admin;
import static dev.tiergate.server.e2e.AdminCalls.cacheOf;
import static dev.tiergate.server.e2e.AdminCalls.call;
import static dev.tiergate.server.e2e.AdminCalls.chat;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.server.admin.AuditLog;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The admin API on the management port: cache entries listed and invalidated per team, namespace
 * or entry (exact; semantic in memory and in Redis) without touching other teams'; virtual keys made,
 * rotated and revoked, effective on another replica sharing Redis; a team's model mapping switched,
 * kept in its file across a restart; every change in the audit log, never a secret; admin keys only.
 */
class AdminApiEndToEndTest {
    private static final String KEY_B = "sk-test-team-b";
    private static final String ADMIN_KEYS = "admin-keys: [{id: ops, sha256: " + AccountingFixtures.ADMIN_SHA256 + "}]\n";
    private static final String GATEWAY_YAML = "server: {host: 127.0.0.1}\n" + TestGateway.DEMO_TIERS_YAML + ADMIN_KEYS;

    @TempDir
    Path dir;

    @Test
    void onlyAdminKeysReachTheAdminApi() throws Exception {
        try (TestGateway gateway = TestGateway.start(GATEWAY_YAML)) {
            String[][] routes = {
                {"GET", "/admin/cache?team=team-a"}, {"DELETE", "/admin/cache?team=team-a"},
                {"DELETE", "/admin/cache/exact/abc?team=team-a"}, {"GET", "/admin/keys"}, {"POST", "/admin/keys"},
                {"POST", "/admin/keys/k/rotate"}, {"DELETE", "/admin/keys/k"}, {"GET", "/admin/teams/team-a/routing"},
                {"PUT", "/admin/teams/team-a/aliases/auto"}, {"PUT", "/admin/teams/team-a/default-model"},
                {"GET", "/admin/audit"}};
            for (String[] route : routes) {
                HttpResponse<String> none = call(route[0], gateway.managementUri(route[1]), null, "{}");
                assertThat(none.statusCode()).as(route[0] + " " + route[1] + " without a key").isEqualTo(401);
                HttpResponse<String> team = call(route[0], gateway.managementUri(route[1]), TestGateway.KEY, "{}");
                assertThat(team.statusCode()).as(route[0] + " " + route[1] + " with a team key").isEqualTo(403);
                assertThat(team.body()).contains("admin_key_required");
                assertThat(call(route[0], gateway.uri(route[1]), AccountingFixtures.ADMIN_KEY, "{}").statusCode())
                        .as(route[0] + " " + route[1] + " on the API port").isEqualTo(404);
            }
            assertThat(admin(gateway, "GET", "/admin/audit", null, 200).path("entries")).isEmpty();
        }
    }

    @Test
    void invalidatingTheExactCacheEmptiesTheNamedTeamOrEntryOnly() throws Exception {
        try (TestGateway gateway = TestGateway.startWithTeams(GATEWAY_YAML, Map.of(),
                Map.of("team-a", TestGateway.KEY, "team-b", KEY_B))) {
            for (String key : List.of(TestGateway.KEY, KEY_B)) {
                assertThat(cacheOf(chat(gateway, key, "demo-small", "hello"))).isEqualTo("miss");
                assertThat(cacheOf(chat(gateway, key, "demo-small", "hello"))).isEqualTo("hit");
            }
            chat(gateway, KEY_B, "demo-small", "another");

            JsonNode listed = admin(gateway, "GET", "/admin/cache?team=team-a", null, 200);
            assertThat(listed.at("/exact/namespace").asText()).isEqualTo("team-a");
            assertThat(listed.at("/exact/entries")).hasSize(1);
            assertThat(listed.at("/exact/entries/0/model").asText()).isEqualTo("demo-small");
            assertThat(listed.toString()).doesNotContain("hello");
            assertThat(admin(gateway, "GET", "/admin/cache?namespace=team-b&cache=exact", null, 200)
                    .at("/exact/entries")).hasSize(2);

            JsonNode removed = admin(gateway, "DELETE", "/admin/cache?team=team-a", null, 200);
            assertThat(removed.at("/removed/exact").asInt()).isEqualTo(1);
            assertThat(cacheOf(chat(gateway, KEY_B, "demo-small", "hello"))).isEqualTo("hit");
            assertThat(cacheOf(chat(gateway, TestGateway.KEY, "demo-small", "hello"))).isEqualTo("miss");

            String id = admin(gateway, "GET", "/admin/cache?team=team-b", null, 200).at("/exact/entries").findValuesAsText("id")
                    .stream().findFirst().orElseThrow();
            admin(gateway, "DELETE", "/admin/cache/exact/" + id + "?team=team-a", null, 404);
            admin(gateway, "DELETE", "/admin/cache/exact/" + id + "?team=team-b", null, 200);
            admin(gateway, "DELETE", "/admin/cache/exact/" + id + "?team=team-b", null, 404);
            assertThat(admin(gateway, "GET", "/admin/cache?team=team-b", null, 200).at("/exact/entries")).hasSize(1);
            admin(gateway, "GET", "/admin/cache?team=nobody", null, 404);
            admin(gateway, "GET", "/admin/cache", null, 400);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis"})
    void invalidatingTheSemanticCacheEmptiesTheNamedTeamOnly(String store) throws Exception {
        String prefix = RedisSupport.uniquePrefix("admin-semantic");
        String redis = store.equals("redis") ? ", redis-url: \"" + RedisSupport.url() + "\"" : "";
        // a key of its own: entries an earlier run left in the shared Redis stay unreadable
        byte[] sealing = new byte[32];
        new java.security.SecureRandom().nextBytes(sealing);
        String yaml = GATEWAY_YAML + "redis: {key-prefix: \"" + prefix + "\"}\n"
                + "cache: {exact: {enabled: false}, semantic: {enabled: true, encryption-key: \""
                + java.util.Base64.getEncoder().encodeToString(sealing) + "\"" + redis + "}}\n";
        try (TestGateway gateway = TestGateway.startWithTeams(yaml, Map.of(),
                Map.of("team-a", TestGateway.KEY, "team-b", KEY_B))) {
            String prompt = "What is the capital city of France";
            for (String key : List.of(TestGateway.KEY, KEY_B)) {
                assertThat(semanticOutcome(gateway, key, prompt)).isEqualTo("miss");
            }
            for (String team : List.of("team-a", "team-b")) {
                AdminCalls.await(() -> semanticEntries(gateway, "team=" + team) == 1, Duration.ofSeconds(10),
                        team + "'s answer stored");
            }
            JsonNode entry = admin(gateway, "GET", "/admin/cache?team=team-a", null, 200).at("/semantic/entries/0");
            assertThat(entry.path("bytes").asLong()).isPositive();
            assertThat(entry.path("expires_at").asText()).isGreaterThan(entry.path("stored_at").asText());
            assertThat(semanticOutcome(gateway, TestGateway.KEY, prompt)).isEqualTo("semantic-hit");

            JsonNode removed = admin(gateway, "DELETE", "/admin/cache?team=team-a&cache=semantic", null, 200);
            assertThat(removed.at("/removed/semantic").asInt()).isEqualTo(1);
            assertThat(removed.at("/removed").has("exact")).isFalse();
            assertThat(semanticOutcome(gateway, KEY_B, prompt)).isEqualTo("semantic-hit");
            assertThat(semanticOutcome(gateway, TestGateway.KEY, prompt)).isEqualTo("miss");

            AdminCalls.await(() -> semanticEntries(gateway, "namespace=team-a") == 1, Duration.ofSeconds(10),
                    "team-a's answer stored again");
            String id = admin(gateway, "GET", "/admin/cache?team=team-a", null, 200).at("/semantic/entries/0/id")
                    .asText();
            admin(gateway, "DELETE", "/admin/cache/semantic/" + id + "?team=team-b", null, 404);
            admin(gateway, "DELETE", "/admin/cache/semantic/" + id + "?team=team-a", null, 200);
            assertThat(semanticOutcome(gateway, TestGateway.KEY, prompt)).isEqualTo("miss");
            assertThat(semanticOutcome(gateway, KEY_B, prompt)).isEqualTo("semantic-hit");
            // leaves the shared Redis as it was
            AdminCalls.await(() -> semanticEntries(gateway, "team=team-a") == 1, Duration.ofSeconds(10),
                    "team-a's answer stored again");
            for (String team : List.of("team-a", "team-b")) {
                admin(gateway, "DELETE", "/admin/cache?cache=semantic&team=" + team, null, 200);
            }
        }
    }

    /** The semantic entries listed in {@code scope}; -1 while the store does not answer in time (503). */
    private static int semanticEntries(TestGateway gateway, String scope) {
        HttpResponse<String> listed = call("GET", gateway.managementUri("/admin/cache?cache=semantic&" + scope),
                AccountingFixtures.ADMIN_KEY, null);
        if (listed.statusCode() == 503) {
            return -1;
        }
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        return AccountingFixtures.json(listed.body()).at("/semantic/entries").size();
    }

    /**
     * The semantic cache's outcome for the prompt from a lookup that ran: a request whose lookup was
     * shed or given up (its workers busy with the writes of earlier answers, at the lowest OS priority)
     * is a miss that says nothing of the store, so it is asked again, a while later. Which requests
     * went on without a lookup the stage's step counter tells ({@code outcome} shed or late).
     */
    private static String semanticOutcome(TestGateway gateway, String key, String prompt) throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            if (i > 0) {
                Thread.sleep(100);
            }
            double skippedBefore = lookupsSkipped(gateway);
            String outcome = cacheOf(chat(gateway, key, "demo-small", prompt));
            if (lookupsSkipped(gateway) == skippedBefore) {
                return outcome;
            }
        }
        throw new AssertionError("the semantic cache skipped 20 lookups in a row");
    }

    /** Requests that went on without a semantic lookup: shed under load, or past the lookup's deadline. */
    private static double lookupsSkipped(TestGateway gateway) {
        return AccountingFixtures.metrics(gateway).series("tiergate_stage_steps_total").stream()
                .filter(s -> "semantic-cache".equals(s.labels().get("stage")))
                .filter(s -> List.of("shed", "late").contains(s.labels().get("outcome")))
                .mapToDouble(PrometheusText.Sample::value).sum();
    }

    @Test
    void virtualKeysMadeRotatedAndRevokedOnOneReplicaCountOnTheOtherFromItsNextRequest() throws Exception {
        String url = RedisSupport.url();
        String prefix = RedisSupport.uniquePrefix("admin-keys");
        String yaml = GATEWAY_YAML + "redis: {url: \"" + url + "\", key-prefix: \"" + prefix + "\"}\n";
        List<ILoggingEvent> auditLines = captureAudit();
        try (TestGateway a = TestGateway.start(yaml); TestGateway b = TestGateway.start(yaml)) {
            JsonNode made = admin(a, "POST", "/admin/keys", """
                    {"team": "team-a", "id": "ci-bot", "ttl_seconds": 3600}""", 201);
            String secret = made.path("key").asText();
            assertThat(secret).startsWith("sk-tg-").hasSizeGreaterThan(40);
            assertThat(made.path("expires_at").asText()).isNotEmpty();
            List<Long> propagation = new ArrayList<>();
            propagation.add(onReplica(b, secret, 200));
            assertThat(status(a, secret)).isEqualTo(200);
            JsonNode listedOnB = admin(b, "GET", "/admin/keys?team=team-a", null, 200);
            assertThat(listedOnB.path("keys").findValuesAsText("id")).containsExactly("ci-bot");
            assertThat(listedOnB.toString()).doesNotContain(secret).doesNotContain("sha256");
            admin(a, "POST", "/admin/keys", "{\"team\": \"team-a\", \"id\": \"ci-bot\"}", 409);
            admin(a, "POST", "/admin/keys", "{\"team\": \"nobody\"}", 404);

            String rotated = admin(a, "POST", "/admin/keys/ci-bot/rotate", null, 200).path("key").asText();
            assertThat(rotated).isNotEqualTo(secret);
            assertThat(status(a, secret)).isEqualTo(401);
            propagation.add(onReplica(b, secret, 401));
            assertThat(status(b, rotated)).isEqualTo(200);

            admin(b, "DELETE", "/admin/keys/ci-bot", null, 200);
            assertThat(status(b, rotated)).isEqualTo(401);
            propagation.add(onReplica(a, rotated, 401));
            System.out.println("virtual key changes seen by the other replica after (ms): " + propagation);
            admin(b, "DELETE", "/admin/keys/ci-bot", null, 404);

            // the audit log in Redis holds both replicas' actions, newest first
            JsonNode audit = admin(a, "GET", "/admin/audit?action=keys", null, 200).path("entries");
            assertThat(audit.findValuesAsText("action")).containsExactly("keys.revoke", "keys.revoke", "keys.rotate",
                    "keys.create", "keys.create", "keys.create");
            assertThat(audit.findValuesAsText("admin")).containsOnly("ops");
            assertThat(audit.findValuesAsText("outcome")).containsExactly("key_not_found", "ok", "ok",
                    "team_not_found", "key_exists", "ok");
            assertThat(audit.get(5).at("/target/team").asText()).isEqualTo("team-a");
            assertThat(audit.get(5).at("/target/id").asText()).isEqualTo("ci-bot");
            assertThat(audit.toString()).doesNotContain(secret).doesNotContain(rotated);
            assertThat(auditLines).hasSizeGreaterThanOrEqualTo(5);
            for (ILoggingEvent line : auditLines) {
                assertThat(line.getFormattedMessage() + line.getMarkerList()).doesNotContain(secret)
                        .doesNotContain(rotated);
            }
        } finally {
            stopCapturingAudit();
            RedisSupport.deleteKeys(url, prefix);
        }
    }

    private static int status(TestGateway gateway, String key) {
        return chat(gateway, key, "demo-small", "hi").statusCode();
    }

    /**
     * Milliseconds until a request with {@code key} on the replica that did not make the change
     * answers {@code expected}: it applies the change when the Redis message arrives, so the wait is
     * bounded at half a second (the periodic refresh, which would also bring it, is 10 s).
     */
    private static long onReplica(TestGateway gateway, String key, int expected) {
        return AdminCalls.await(() -> status(gateway, key) == expected, Duration.ofMillis(500),
                "a request with the key answers " + expected);
    }

    @Test
    void aVirtualKeyCarriesItsOwnLimits() throws Exception {
        writeConfigFolder();
        try (TestGateway gateway = TestGateway.startFrom(dir, false)) {
            String secret = admin(gateway, "POST", "/admin/keys", """
                    {"team": "team-a", "limits": {"requests_per_minute": 1}}""", 201).path("key").asText();
            assertThat(chat(gateway, secret, "demo-small", "one").statusCode()).isEqualTo(200);
            HttpResponse<String> second = chat(gateway, secret, "demo-small", "two");
            assertThat(second.statusCode()).as(second.body()).isEqualTo(429);
            assertThat(chat(gateway, TestGateway.KEY, "demo-small", "three").statusCode()).isEqualTo(200);
            admin(gateway, "POST", "/admin/keys", """
                    {"team": "team-a", "expires_at": "2001-01-01T00:00:00Z"}""", 400);
        }
    }

    @Test
    void keysAndAModelSwitchAreKeptInTheConfigFolderAcrossARestart() throws Exception {
        writeConfigFolder();
        String secret;
        try (TestGateway gateway = TestGateway.startFrom(dir, false)) {
            assertThat(chat(gateway, TestGateway.KEY, "auto", "hi").headers().firstValue("x-tiergate-model"))
                    .hasValue("demo-small");
            secret = admin(gateway, "POST", "/admin/keys", "{\"team\": \"team-a\", \"id\": \"kept\"}", 201)
                    .path("key").asText();
            JsonNode switched = admin(gateway, "PUT", "/admin/teams/team-a/aliases/auto", """
                    {"tiers": {"small": ["demo-mid"], "frontier": ["demo-frontier"]}, "default_tier": "small"}""", 200);
            assertThat(switched.at("/aliases/auto/tiers/small/0").asText()).isEqualTo("demo-mid");
            // a new prompt: answers cached before the switch stay until they expire or are invalidated
            assertThat(chat(gateway, TestGateway.KEY, "auto", "after").headers().firstValue("x-tiergate-model"))
                    .hasValue("demo-mid");
            admin(gateway, "PUT", "/admin/teams/team-a/default-model", "{\"model\": \"auto\"}", 200);

            String before = Files.readString(dir.resolve("teams/team-a.yaml"));
            JsonNode refused = admin(gateway, "PUT", "/admin/teams/team-a/aliases/auto",
                    "{\"tiers\": {\"small\": [\"no-such-model\"]}}", 400);
            assertThat(refused.at("/error/code").asText()).isEqualTo("invalid_config");
            assertThat(Files.readString(dir.resolve("teams/team-a.yaml"))).isEqualTo(before);
            assertThat(chat(gateway, TestGateway.KEY, "auto", "refused").headers().firstValue("x-tiergate-model"))
                    .hasValue("demo-mid");
            JsonNode audit = admin(gateway, "GET", "/admin/audit?action=teams", null, 200).path("entries");
            assertThat(audit.findValuesAsText("outcome")).containsExactly("invalid_config", "ok", "ok");
        }
        String teamFile = Files.readString(dir.resolve("teams/team-a.yaml"));
        assertThat(teamFile).startsWith("# team-a: kept by the admin API test\n").contains("demo-mid")
                .contains("# switched by the admin API below this line\n")
                .contains("default-model: auto");
        Path keys = dir.resolve("virtual-keys.json");
        assertThat(Files.readString(keys)).contains("\"kept\"").doesNotContain(secret);
        assertThat(Files.getPosixFilePermissions(keys)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        try (TestGateway restarted = TestGateway.startFrom(dir, false)) {
            assertThat(chat(restarted, secret, "auto", "restarted").headers().firstValue("x-tiergate-model"))
                    .hasValue("demo-mid");
            assertThat(admin(restarted, "GET", "/admin/teams/team-a/routing", null, 200).path("default_model").asText())
                    .isEqualTo("auto");
        }
    }

    private void writeConfigFolder() throws Exception {
        Files.createDirectories(dir.resolve("teams"));
        Files.writeString(dir.resolve("gateway.yaml"), GATEWAY_YAML + "usage: {file: \"" + dir.resolve("usage.jsonl")
                + "\"}\n");
        Files.writeString(dir.resolve("teams/team-a.yaml"), "# team-a: kept by the admin API test\n"
                + TestGateway.teamYaml("# switched by the admin API below this line\n"));
    }

    private static final List<ListAppender<ILoggingEvent>> APPENDERS = new ArrayList<>();

    /** The events of the audit logger from now on. */
    private static List<ILoggingEvent> captureAudit() {
        Logger logger = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        APPENDERS.add(appender);
        return appender.list;
    }

    private static void stopCapturingAudit() {
        Logger logger = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);
        APPENDERS.forEach(logger::detachAppender);
        APPENDERS.clear();
    }
}
