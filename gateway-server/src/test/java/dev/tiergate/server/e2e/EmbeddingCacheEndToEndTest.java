package dev.tiergate.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/embeddings} through the exact cache, per input: a batch that repeats stored inputs
 * sends only the new ones upstream (the demo provider bills the tokens of what it was sent, and
 * its vectors are a function of the text, so both the billing and the assembly can be checked).
 */
class EmbeddingCacheEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.startBundled(Map.of());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void storedInputsAreServedFromTheCacheAndOnlyNewOnesGoUpstream() throws Exception {
        String tag = Long.toString(System.nanoTime());
        HttpResponse<String> first = embed("[\"alpha " + tag + "\", \"beta " + tag + "\"]", Map.of());
        assertThat(first.headers().firstValue("x-tiergate-cache")).hasValue("miss");
        assertThat(first.headers().firstValue("x-tiergate-cache-hits")).hasValue("0/2");
        int firstTokens = tokens(first);

        HttpResponse<String> mixed = embed("[\"beta " + tag + "\", \"gamma " + tag + "\", \"alpha " + tag
                + "\", \"gamma " + tag + "\"]", Map.of());
        assertThat(mixed.headers().firstValue("x-tiergate-cache")).hasValue("miss");
        assertThat(mixed.headers().firstValue("x-tiergate-cache-hits")).hasValue("2/4");
        JsonNode data = JSON.readTree(mixed.body()).get("data");
        assertThat(data).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(data.get(i).get("index").asInt()).isEqualTo(i);
        }
        // only "gamma", once, was sent upstream: its tokens, not those of the four inputs
        assertThat(tokens(mixed)).isPositive().isLessThan(firstTokens);

        HttpResponse<String> uncached = embed("[\"beta " + tag + "\", \"gamma " + tag + "\", \"alpha " + tag
                + "\", \"gamma " + tag + "\"]", Map.of("x-tiergate-cache", "off"));
        assertThat(uncached.headers().firstValue("x-tiergate-cache")).hasValue("bypass");
        assertThat(JSON.readTree(uncached.body()).get("data")).isEqualTo(data);

        HttpResponse<String> allStored = embed("\"alpha " + tag + "\"", Map.of());
        assertThat(allStored.headers().firstValue("x-tiergate-cache")).hasValue("hit");
        assertThat(tokens(allStored)).isZero();
        assertThat(JSON.readTree(allStored.body()).get("data").get(0).get("embedding")).isEqualTo(data.get(2).get("embedding"));
    }

    @Test
    void noStoreReadsButDoesNotKeep() throws Exception {
        String input = "\"delta " + System.nanoTime() + "\"";
        assertThat(embed(input, Map.of("cache-control", "no-store")).headers().firstValue("x-tiergate-cache"))
                .hasValue("miss");
        assertThat(embed(input, Map.of()).headers().firstValue("x-tiergate-cache")).hasValue("miss");
        assertThat(embed(input, Map.of()).headers().firstValue("x-tiergate-cache")).hasValue("hit");
    }

    private static int tokens(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).get("usage").get("prompt_tokens").asInt();
    }

    private static HttpResponse<String> embed(String input, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri("/v1/embeddings"))
                .header("Authorization", "Bearer sk-tiergate-demo")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"demo-embedding\",\"input\":" + input + "}"));
        headers.forEach(request::header);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }
}
