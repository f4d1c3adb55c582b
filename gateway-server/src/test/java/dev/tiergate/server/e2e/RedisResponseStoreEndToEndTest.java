package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code responses.store: redis} through the real server on a real Redis: a response stored by one
 * gateway is found (and continued with {@code previous_response_id}) by another started after the
 * first stopped, sealed at rest with the generated key file, expiring with {@code ttl-seconds}.
 */
class RedisResponseStoreEndToEndTest {
    private static WireMockServer upstream;
    @TempDir
    Path dir;
    private final String redisUrl = RedisSupport.url();
    private final String prefix = RedisSupport.uniquePrefix("responses-e2e");

    @BeforeAll
    static void startUpstream() {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody(UpstreamFixtures.completionJson("gpt-4o-mini", "The secret word is marmalade."))));
    }

    @AfterAll
    static void stopUpstream() {
        upstream.stop();
    }

    @AfterEach
    void deleteKeys() {
        RedisSupport.deleteKeys(redisUrl, prefix);
    }

    private TestGateway gateway() throws InterruptedException {
        return TestGateway.start(UpstreamFixtures.gatewayYaml(upstream.port(), 1 << 20) + """
                redis: {url: "%s", key-prefix: "%s"}
                usage: {file: "%s"}
                responses: {store: redis, ttl-seconds: 600, max-entry-mb: 1}
                """.formatted(redisUrl, prefix, dir.resolve("usage.jsonl")), Map.of());
    }

    @Test
    void aStoredResponseOutlivesTheGatewayThatStoredItAndIsSealedAtRest() throws Exception {
        String id;
        try (TestGateway first = gateway()) {
            Response created = client(first).responses().create(ResponseCreateParams.builder()
                    .model("gpt-4o-mini").input("What is the secret word?").build());
            id = created.id();
        }
        assertThat(dir.resolve("tiergate-responses.key")).exists();
        assertThat(Files.readString(dir.resolve("tiergate-responses.key")).strip()).hasSize(44);

        RedisClient redis = RedisClient.create(redisUrl);
        try (var connection = redis.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
            List<String> keys = connection.sync().keys(prefix + "responses:*");
            assertThat(keys).containsExactly(prefix + "responses:team-a:" + id);
            byte[] atRest = connection.sync().get(keys.getFirst());
            assertThat(atRest[0]).as("sealed format").isEqualTo((byte) 1);
            assertThat(new String(atRest, StandardCharsets.ISO_8859_1)).doesNotContain("marmalade")
                    .doesNotContain("secret word");
            long ttl = connection.sync().pttl(keys.getFirst());
            assertThat(ttl).isBetween(Duration.ofSeconds(500).toMillis(), Duration.ofSeconds(600).toMillis());
        } finally {
            redis.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }

        try (TestGateway second = gateway()) {
            OpenAIClient client = client(second);
            Response found = client.responses().retrieve(id);
            assertThat(ResponsesEndToEndTest.text(found)).isEqualTo("The secret word is marmalade.");
            Response next = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini")
                    .previousResponseId(id).input("Say it again").build());
            assertThat(next.previousResponseId()).hasValue(id);
            upstream.verify(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                    urlEqualTo("/v1/chat/completions")).withRequestBody(
                    com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.messages[?(@.role == 'assistant')]",
                            com.github.tomakehurst.wiremock.client.WireMock.containing("marmalade"))));
            client.responses().delete(id);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.responses().retrieve(id))
                    .isInstanceOf(com.openai.errors.NotFoundException.class);
        }
    }

    private static OpenAIClient client(TestGateway gateway) {
        return OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey(TestGateway.KEY)
                .maxRetries(0).build();
    }
}
