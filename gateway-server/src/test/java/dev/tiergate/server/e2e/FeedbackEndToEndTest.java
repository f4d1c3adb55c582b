package dev.tiergate.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/feedback} through the real server: validation, ownership (a team cannot score
 * another team's request), one score per request; with Redis, a score taken by a second gateway
 * reaches the first one's bandit state, and survives a restart.
 */
class FeedbackEndToEndTest {
    private static final String KEY_B = "sk-test-team-b";
    private static final String YAML = TestGateway.DEMO_TIERS_YAML + """
            router:
              enabled: true
            admin-keys: [{id: ops, sha256: %s}]
            """.formatted(AccountingFixtures.ADMIN_SHA256);
    private final HttpClient http = HttpClient.newHttpClient();
    private String redisUrl;
    private String prefix;

    @AfterEach
    void cleanUp() {
        if (prefix != null) {
            RedisSupport.deleteKeys(redisUrl, prefix);
        }
    }

    @Test
    void validatesTheScoreAndLetsOnlyTheTeamThatAskedScoreOnce() throws Exception {
        try (TestGateway gateway = TestGateway.startWithTeams(YAML, Map.of(),
                Map.of("team-a", TestGateway.KEY, "team-b", KEY_B))) {
            String requestId = chat(gateway, TestGateway.KEY);

            HttpResponse<String> foreign = feedback(gateway, KEY_B, score(requestId, 0.9));
            assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(404);
            assertThat(error(foreign).path("code").asText()).isEqualTo("request_not_found");
            assertThat(feedback(gateway, TestGateway.KEY, score("req_unknown", 0.5)).statusCode()).isEqualTo(404);
            assertThat(feedback(gateway, null, score(requestId, 0.5)).statusCode()).isEqualTo(401);

            for (String bad : new String[] {score(requestId, 1.5), score(requestId, -0.1),
                    "{\"request_id\":\"" + requestId + "\",\"score\":\"high\"}", "{\"score\":0.5}", "not json", "[]",
                    "{\"request_id\":\"" + requestId + "\",\"score\":0.5,\"comment\":7}"}) {
                HttpResponse<String> response = feedback(gateway, TestGateway.KEY, bad);
                assertThat(response.statusCode()).as(bad).isEqualTo(400);
                assertThat(error(response).path("type").asText()).isEqualTo("invalid_request_error");
            }
            assertThat(error(feedback(gateway, TestGateway.KEY, score(requestId, 1.5))).path("param").asText())
                    .isEqualTo("score");

            HttpResponse<String> first = feedback(gateway, TestGateway.KEY,
                    "{\"request_id\":\"" + requestId + "\",\"score\":0.8,\"comment\":\"fine\"}");
            assertThat(first.statusCode()).as(first.body()).isEqualTo(204);
            assertThat(first.body()).isEmpty();
            HttpResponse<String> second = feedback(gateway, TestGateway.KEY, score(requestId, 0.2));
            assertThat(second.statusCode()).isEqualTo(409);
            assertThat(error(second).path("code").asText()).isEqualTo("feedback_exists");

            JsonNode routing = routing(gateway, "team-a");
            assertThat(routing.path("feedback_count").asLong()).isEqualTo(1);
            assertThat(routing.path("policy").asText()).isEqualTo("static");
            assertThat(routing(gateway, "team-b").path("feedback_count").asLong()).isZero();
            HttpResponse<String> teamKey = http.send(HttpRequest.newBuilder(gateway.managementUri("/admin/routing/team-a"))
                    .header("Authorization", "Bearer " + TestGateway.KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(teamKey.statusCode()).isEqualTo(403);
        }
    }

    @Test
    void aScoreTakenByASecondGatewayReachesTheFirstOnesPolicyStateAndSurvivesARestart() throws Exception {
        redisUrl = RedisSupport.url();
        prefix = RedisSupport.uniquePrefix("learning");
        String yaml = YAML + "redis: {url: \"%s\", key-prefix: \"%s\"}\n".formatted(redisUrl, prefix);
        Map<String, String> teams = Map.of("team-a", TestGateway.KEY, "team-b", KEY_B);
        String requestId;
        try (TestGateway first = TestGateway.startWithTeams(yaml, Map.of(), teams);
             TestGateway second = TestGateway.startWithTeams(yaml, Map.of(), teams)) {
            requestId = chat(first, TestGateway.KEY);
            assertThat(routing(first, "team-a").path("feedback_count").asLong()).isZero();

            assertThat(feedback(second, KEY_B, score(requestId, 1.0)).statusCode()).isEqualTo(404);
            assertThat(feedback(second, TestGateway.KEY, score(requestId, 1.0)).statusCode()).isEqualTo(204);
            assertThat(feedback(first, TestGateway.KEY, score(requestId, 0.0)).statusCode()).isEqualTo(409);

            JsonNode routing = routing(first, "team-a");
            assertThat(routing.path("feedback_count").asLong()).isEqualTo(1);
            JsonNode tiers = routing.path("tiers");
            assertThat(tiers.size()).isEqualTo(1);
            JsonNode tier = tiers.elements().next();
            assertThat(tier.path("rewards").asLong()).isEqualTo(1);
            assertThat(tier.path("quality").asDouble()).isEqualTo(1.0);
        }
        try (TestGateway restarted = TestGateway.startWithTeams(yaml, Map.of(), teams)) {
            assertThat(routing(restarted, "team-a").path("feedback_count").asLong()).isEqualTo(1);
            assertThat(feedback(restarted, TestGateway.KEY, score(requestId, 0.5)).statusCode()).isEqualTo(409);
        }
    }

    private String chat(TestGateway gateway, String key) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"auto","messages":[{"role":"user","content":"Hi! How are you today?"}]}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tiergate-route-cause")).hasValue("classifier");
        return response.headers().firstValue("x-tiergate-request-id").orElseThrow();
    }

    private static String score(String requestId, double score) {
        return "{\"request_id\":\"" + requestId + "\",\"score\":" + score + "}";
    }

    private HttpResponse<String> feedback(TestGateway gateway, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri("/v1/feedback"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode routing(TestGateway gateway, String team) throws Exception {
        URI uri = gateway.managementUri("/admin/routing/" + team);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + AccountingFixtures.ADMIN_KEY).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    private static JsonNode error(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body()).path("error");
    }
}
