package dev.tiergate.providers.gemini;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.tiergate.providers.testing.Outcomes.await;
import static dev.tiergate.providers.testing.Outcomes.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.provider.EmbeddingCall;
import dev.tiergate.core.provider.ProviderCall;
import dev.tiergate.providers.testing.EventLoopExtension;
import dev.tiergate.providers.testing.Fixtures;
import dev.tiergate.providers.transport.UpstreamClient;
import dev.tiergate.providers.transport.UpstreamOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What only the Gemini adapter does: its URLs (model in the path, {@code alt=sse}), key header,
 * translated requests and the RetryInfo delay. What every adapter does is in the contract suite.
 */
class GeminiAdapterTest {
    @RegisterExtension
    static final EventLoopExtension LOOP = new EventLoopExtension();

    @RegisterExtension
    static final WireMockExtension WM = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ModelConfig MODEL = new ModelConfig("flash", "gemini", "gemini-2.5-flash", ModelConfig.CHAT, null);
    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";

    private final ProviderConfig config = config(URI.create(WM.baseUrl() + "/v1beta"));
    private final UpstreamClient client = new UpstreamClient(UpstreamOptions.from(config));
    private final GeminiAdapter adapter = new GeminiAdapter(config, client, false, Clock.systemUTC(),
            Fixtures.sequentialIds());

    @AfterEach
    void closeAdapter() {
        adapter.close();
        client.close();
    }

    private static ProviderConfig config(URI baseUrl) {
        return new ProviderConfig("gemini", "gemini", baseUrl, "goog-key", Duration.ofSeconds(2), Duration.ofSeconds(5),
                8, Map.of("x-goog-user-project", "proj-1"), Map.of());
    }

    private static ProviderCall call(ChatRequest request) {
        return new ProviderCall("req-1", request, MODEL, LOOP.next());
    }

    private static ChatRequest sayHello() {
        return ChatRequest.of("gemini-2.5-flash", List.of(Message.system("Be brief."), Message.user("Say hello")));
    }

    private static void stub(String url, ResponseDefinitionBuilder response) {
        WM.stubFor(post(urlEqualTo(url)).willReturn(response));
    }

    @Test
    void completionPostsGenerateContentWithTheKeyHeader() throws Exception {
        stub(GENERATE, aResponse().withBody(Fixtures.read("gemini", "text.json")));

        ChatCompletion completion = await(adapter.chat(call(sayHello())));

        assertThat(completion.id()).isEqualTo("mAitaLmkHPPlz7IPvtfUqQ4");
        assertThat(completion.usage().totalTokens()).isEqualTo(40);
        WM.verify(postRequestedFor(urlEqualTo(GENERATE))
                .withHeader("x-goog-api-key", equalTo("goog-key"))
                .withHeader("x-goog-user-project", equalTo("proj-1"))
                .withoutHeader("Authorization")
                .withRequestBody(equalToJson("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Say hello\"}]}],"
                        + "\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]}}")));
    }

    @Test
    void aStreamPostsTheSameTranslatedRequestToStreamGenerateContent() {
        stub(STREAM, aResponse().withBody(Fixtures.read("gemini", "text.sse")));

        adapter.chatStream(call(sayHello().withStream(true, null))).blockLast(Duration.ofSeconds(10));

        WM.verify(postRequestedFor(urlEqualTo(STREAM))
                .withHeader("x-goog-api-key", equalTo("goog-key"))
                .withRequestBody(equalToJson("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Say hello\"}]}],"
                        + "\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]}}")));
    }

    @Test
    void acceptsModelsPrefixedNamesAndDefaultsTheBaseUrl() throws Exception {
        stub(GENERATE, aResponse().withBody(Fixtures.read("gemini", "function-call.json")));
        ProviderCall prefixed = call(ChatRequest.of("models/gemini-2.5-flash", List.of(Message.user("x"))));

        ChatCompletion completion = await(adapter.chat(prefixed));

        assertThat(completion.choices().getFirst().message().toolCalls()).hasSize(2);
        assertThat(completion.choices().getFirst().message().toolCalls().getFirst().id())
                .isEqualTo("call_id1__thought__CiIBVKhc7ov");
        try (GeminiAdapter defaulted = new GeminiAdapter(config(null))) {
            assertThat(defaulted.uri("gemini-2.5-flash", "streamGenerateContent", "alt=sse")).hasToString(
                    "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        }
        try (GeminiAdapter proxied = new GeminiAdapter(config(URI.create("https://proxy.example/g/v1beta/?t=1")))) {
            assertThat(proxied.uri("m", "streamGenerateContent", "alt=sse"))
                    .hasToString("https://proxy.example/g/v1beta/models/m:streamGenerateContent?t=1&alt=sse");
        }
    }

    @Test
    void anUnusableModelNameFailsWithoutCallingTheProvider() {
        ProviderCall bad = call(ChatRequest.of("../admin?x=1", List.of(Message.user("x"))));
        GatewayError error = failureOf(adapter.chat(bad));
        assertThat(error).isInstanceOf(InvalidRequestError.class);
        assertThat(error.param()).isEqualTo("model");
        assertThat(failureOf(adapter.chatStream(bad))).isInstanceOf(InvalidRequestError.class);
        WM.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void withoutRetryAfterARateLimitWaitsTheRetryInfoDelay() {
        stub(STREAM, aResponse().withStatus(429).withBody(Fixtures.read("gemini", "error-429.json")));

        UpstreamError error = (UpstreamError) failureOf(adapter.chatStream(call(sayHello().withStream(true, null))));

        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(31));
        assertThat(error.code()).isEqualTo("RESOURCE_EXHAUSTED");
    }

    @Test
    void embedPostsBatchEmbedContents() throws Exception {
        stub("/v1beta/models/text-embedding-004:batchEmbedContents",
                aResponse().withBody(Fixtures.read("gemini", "embeddings.json")));
        EmbeddingRequest request = new EmbeddingRequest("text-embedding-004",
                JsonNodeFactory.instance.arrayNode().add("a").add("b"), null, null, null, Map.of());
        ModelConfig model = new ModelConfig("embed", "gemini", "text-embedding-004", ModelConfig.EMBEDDING, null);

        EmbeddingResponse response = await(adapter.embed(new EmbeddingCall("r", request, model, LOOP.next())));

        assertThat(response.data().getFirst().get("embedding")).hasSize(3);
        WM.verify(postRequestedFor(urlEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents"))
                .withHeader("x-goog-api-key", equalTo("goog-key"))
                .withRequestBody(equalToJson("{\"requests\":["
                        + "{\"model\":\"models/text-embedding-004\",\"content\":{\"parts\":[{\"text\":\"a\"}]}},"
                        + "{\"model\":\"models/text-embedding-004\",\"content\":{\"parts\":[{\"text\":\"b\"}]}}]}")));
    }
}
