package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tiergate.core.json.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Status codes, OpenAI-format errors and x-tiergate headers of every endpoint, over real HTTP. */
class HttpSurfaceTest {
    private static final int MAX_BODY = 4096;
    private static WireMockServer upstream;
    private static TestGateway gateway;
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("upstream-500"))
                .atPriority(1).willReturn(aResponse().withStatus(500)
                        .withBody("{\"error\":{\"message\":\"upstream exploded\",\"type\":\"server_error\"}}")));
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("upstream-429"))
                .atPriority(1).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")
                        .withBody("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\",\"code\":\"rate_limit_exceeded\"}}")));
        upstream.stubFor(post(urlEqualTo("/v1/embeddings")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1,0.2]}],"
                        + "\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}")));
        UpstreamFixtures.stubChat(upstream, 2, 50);
        // the error cases here are about the error format: no retries, and no breaker opening on them
        gateway = TestGateway.start(UpstreamFixtures.gatewayYaml(upstream.port(), MAX_BODY) + """
                resilience:
                  retry: {max-attempts: 1}
                  circuit-breaker: {failure-threshold: 1000}
                """);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.stop();
        }
    }

    private static HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(15));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode error(HttpResponse<String> res) throws Exception {
        JsonNode root = Json.mapper().readTree(res.body());
        JsonNode error = root.get("error");
        assertThat(error).as("OpenAI error object in %s", res.body()).isNotNull();
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.has("type")).isTrue();
        assertThat(error.has("code")).isTrue();
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("application/json"));
        assertThat(res.headers().firstValue("x-tiergate-request-id")).isPresent();
        return error;
    }

    @Test
    void successfulAnswerCarriesTheTiergateHeaders() throws Exception {
        HttpResponse<String> res = send("POST", "/v1/chat/completions", TestGateway.KEY,
                "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tiergate-request-id")).hasValueSatisfying(v -> assertThat(v).startsWith("req_"));
        assertThat(res.headers().firstValue("x-tiergate-provider")).hasValue("up");
        assertThat(res.headers().firstValue("x-tiergate-model")).hasValue("gpt-4o-mini");
        assertThat(res.headers().firstValue("x-tiergate-tier")).hasValue("small");
        assertThat(Json.mapper().readTree(res.body()).get("service_tier").asText()).isEqualTo("default");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "broken json|{\"model\":|400|",
            "not an object|[1]|400|",
            "missing messages|{\"model\":\"auto\"}|400|messages",
            "wrong type|{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"}|400|temperature",
            "bad role|{\"model\":\"auto\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}|400|messages[0].role",
            "content wrong type|{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":5}]}|400|messages[0].content",
            "duplicate key|{\"model\":\"auto\",\"model\":\"x\",\"messages\":[]}|400|",
            "unknown model|{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|404|model",
            "embedding model for chat|{\"model\":\"text-embedding-3-small\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|400|model",
    })
    void badChatRequestsGetOpenAiErrors(String name, String body, int status, String param) throws Exception {
        HttpResponse<String> res = send("POST", "/v1/chat/completions", TestGateway.KEY, body);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        JsonNode error = error(res);
        if (param != null) {
            assertThat(error.get("param").asText()).isEqualTo(param);
            assertThat(error.get("message").asText()).contains(param);
        }
        if (status == 404) {
            assertThat(error.get("code").asText()).isEqualTo("model_not_found");
        }
    }

    @Test
    void oversizedBodyGets413() throws Exception {
        String big = "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(MAX_BODY * 2) + "\"}]}";
        HttpResponse<String> res = send("POST", "/v1/chat/completions", TestGateway.KEY, big);
        assertThat(res.statusCode()).isEqualTo(413);
        assertThat(Json.mapper().readTree(res.body()).at("/error/code").asText()).isEqualTo("request_too_large");
    }

    @Test
    void missingOrWrongKeyGets401() throws Exception {
        String body = "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        HttpResponse<String> none = send("POST", "/v1/chat/completions", null, body);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(error(none).get("type").asText()).isEqualTo("authentication_error");
        HttpResponse<String> wrong = send("POST", "/v1/chat/completions", "sk-wrong", body);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(error(wrong).get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(send("GET", "/v1/models", "sk-wrong", null).statusCode()).isEqualTo(401);
    }

    @Test
    void unknownPathAndWrongMethodGet404() throws Exception {
        assertThat(error(send("GET", "/v1/nothing", TestGateway.KEY, null)).get("code").asText()).isEqualTo("unknown_url");
        assertThat(send("GET", "/v1/chat/completions", TestGateway.KEY, null).statusCode()).isEqualTo(404);
    }

    @Test
    void upstreamErrorsKeepTheProviderMessage() throws Exception {
        HttpResponse<String> res500 = send("POST", "/v1/chat/completions", TestGateway.KEY,
                "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"upstream-500\"}]}");
        assertThat(res500.statusCode()).isEqualTo(502);
        assertThat(error(res500).get("message").asText()).contains("upstream exploded");
        HttpResponse<String> res429 = send("POST", "/v1/chat/completions", TestGateway.KEY,
                "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"upstream-429\"}]}");
        assertThat(res429.statusCode()).isEqualTo(429);
        assertThat(error(res429).get("message").asText()).contains("slow down");
        assertThat(res429.headers().firstValue("retry-after")).hasValue("7");
    }

    @Test
    void modelsListsWhatTheTeamMayUse() throws Exception {
        HttpResponse<String> res = send("GET", "/v1/models", TestGateway.KEY, null);
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode root = Json.mapper().readTree(res.body());
        assertThat(root.get("object").asText()).isEqualTo("list");
        assertThat(root.get("data").findValuesAsText("id")).contains("auto", "gpt-4o-mini", "gpt-4o");
    }

    @Test
    void embeddingsArePassedToTheProvider() throws Exception {
        HttpResponse<String> res = send("POST", "/v1/embeddings", TestGateway.KEY,
                "{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(Json.mapper().readTree(res.body()).at("/data/0/embedding/1").asDouble()).isEqualTo(0.2);
        assertThat(res.headers().firstValue("x-tiergate-model")).hasValue("text-embedding-3-small");
        assertThat(send("POST", "/v1/embeddings", TestGateway.KEY, "{\"model\":\"text-embedding-3-small\"}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void healthAndReadiness() throws Exception {
        assertThat(send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/readyz", null, null).body()).contains("ready");
    }
}
