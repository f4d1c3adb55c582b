package dev.tiergate.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.tiergate.providers.testing.Outcomes.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.StreamOptions;
import dev.tiergate.core.provider.EmbeddingCall;
import dev.tiergate.core.provider.PassThrough;
import dev.tiergate.core.provider.PromptCaching;
import dev.tiergate.core.provider.ProviderCall;
import dev.tiergate.providers.testing.EventLoopExtension;
import dev.tiergate.providers.testing.Fixtures;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What only the OpenAI-compatible adapter does: the request goes out as it is, with its auth and
 * URL conventions, and streams ask for usage. What every adapter does is in the contract suite.
 */
class OpenAiAdapterTest {
    @RegisterExtension
    static final EventLoopExtension LOOP = new EventLoopExtension();

    @RegisterExtension
    static final WireMockExtension WM = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ModelConfig MODEL = new ModelConfig("fast", "openai", "gpt-4o-mini", ModelConfig.CHAT, null);

    private final OpenAiAdapter adapter = new OpenAiAdapter(config("openai", WM.baseUrl() + "/v1", "sk-test",
            Map.of("OpenAI-Organization", "org-1"), Map.of()));

    @AfterEach
    void closeAdapter() {
        adapter.close();
    }

    private static ProviderConfig config(String id, String baseUrl, String key, Map<String, String> headers,
                                         Map<String, String> options) {
        return new ProviderConfig(id, "openai", URI.create(baseUrl), key, Duration.ofSeconds(2), Duration.ofSeconds(5),
                8, headers, options);
    }

    private static ProviderCall call(ChatRequest request) {
        return new ProviderCall("req-1", request, MODEL, LOOP.next());
    }

    private static ChatRequest sayHello() {
        return ChatRequest.of("gpt-4o-mini", List.of(Message.user("Say hello")));
    }

    private static void stubChat(String fixture) {
        WM.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withBody(Fixtures.read("openai", fixture))));
    }

    @Test
    void plainCompletionSendsTheRequestAsItIsWithAuthAndConfiguredHeaders() throws Exception {
        stubChat("completion.json");

        ChatCompletion completion = await(adapter.chat(call(sayHello().withStream(true, null))));

        assertThat(completion.id()).isEqualTo("chatcmpl-9");
        assertThat(completion.systemFingerprint()).isEqualTo("fp_1");
        WM.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer sk-test"))
                .withHeader("OpenAI-Organization", equalTo("org-1"))
                .withRequestBody(equalToJson(
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")));
    }

    @Test
    void theGatewaysOwnFieldsNeverReachTheProvider() throws Exception {
        stubChat("completion.json");
        ChatRequest request = sayHello().withExtra(Map.of("top_logprobs", com.fasterxml.jackson.databind.node
                .IntNode.valueOf(2), dev.tiergate.core.model.AnthropicOrigin.REQUEST,
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("body", "{}")));

        await(adapter.chat(call(request)));

        WM.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(equalToJson(
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],"
                        + "\"top_logprobs\":2}")));
    }

    @Test
    void noAuthorizationHeaderWithoutAKey() throws Exception {
        stubChat("completion.json");
        try (OpenAiAdapter local = new OpenAiAdapter(config("local", WM.baseUrl() + "/v1/", "", Map.of(), Map.of()))) {
            await(local.chat(call(sayHello())));
        }
        WM.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withoutHeader("Authorization"));
    }

    @Test
    void azureStyleBaseUrlKeepsItsQueryAtTheEnd() throws Exception {
        String url = "/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21";
        WM.stubFor(post(urlEqualTo(url)).willReturn(aResponse().withBody(Fixtures.read("openai", "completion.json"))));
        ProviderConfig azure = config("azure", WM.baseUrl() + "/openai/deployments/gpt4o?api-version=2024-10-21", null,
                Map.of("api-key", "az-key"), Map.of());
        try (OpenAiAdapter az = new OpenAiAdapter(azure)) {
            assertThat(await(az.chat(call(sayHello()))).id()).isEqualTo("chatcmpl-9");
        }
        WM.verify(postRequestedFor(urlEqualTo(url)).withHeader("api-key", equalTo("az-key")));
    }

    @Test
    void aStreamAlwaysAsksForUsageKeepingTheClientsOtherStreamOptions() {
        stubChat("text.sse");
        ChatRequest plain = ChatRequest.of("gpt-4o-mini", List.of(Message.user("x")));
        ChatRequest usageOff = plain.withStream(true,
                new StreamOptions(false, Map.of("chunk_hint", JsonNodeFactory.instance.numberNode(3))));

        adapter.chatStream(call(plain)).blockLast(Duration.ofSeconds(10));
        adapter.chatStream(call(usageOff)).blockLast(Duration.ofSeconds(10));

        List<LoggedRequest> sent = WM.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
        assertThat(sent).extracting(LoggedRequest::getBodyAsString).containsExactly(
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true}}",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true,\"chunk_hint\":3}}");
    }

    @Test
    void withStreamUsageOffTheRequestsOwnStreamOptionsGoOutUnchanged() {
        stubChat("text.sse");
        ChatRequest without = ChatRequest.of("gpt-4o-mini", List.of(Message.user("x"))).withStream(true, null);
        ChatRequest asking = without.withStream(true, new StreamOptions(true, Map.of()));
        try (OpenAiAdapter refusing = new OpenAiAdapter(config("vllm", WM.baseUrl() + "/v1", null, Map.of(),
                Map.of("stream-usage", "false")))) {
            List<ChatChunk> chunks = refusing.chatStream(call(without)).collectList().block(Duration.ofSeconds(10));
            assertThat(chunks.getLast().usage()).as("whatever usage the server sends is passed on").isNotNull();
            refusing.chatStream(call(asking)).blockLast(Duration.ofSeconds(10));
        }
        List<LoggedRequest> sent = WM.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
        assertThat(sent.get(0).getBodyAsString()).doesNotContain("stream_options");
        assertThat(sent.get(1).getBodyAsString()).contains("\"stream_options\":{\"include_usage\":true}");
    }

    @Test
    void embedPostsTheRequestAsItIsToEmbeddings() throws Exception {
        WM.stubFor(post(urlEqualTo("/v1/embeddings"))
                .willReturn(aResponse().withBody(Fixtures.read("openai", "embeddings.json"))));
        EmbeddingRequest request = new EmbeddingRequest("text-embedding-3-small",
                JsonNodeFactory.instance.textNode("hello"), null, null, null, Map.of());
        ModelConfig model = new ModelConfig("embed", "openai", "text-embedding-3-small", ModelConfig.EMBEDDING, null);

        assertThat(await(adapter.embed(new EmbeddingCall("r", request, model, LOOP.next()))).usage().promptTokens())
                .isEqualTo(2);
        WM.verify(postRequestedFor(urlEqualTo("/v1/embeddings")).withRequestBody(
                equalToJson("{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}")));
    }

    // ---------------------------------------------------------------- pass-through

    private static final String CLIENT_BODY = """
            {"model":"fast", "messages":[{"role":"user","content":"x"}], "temperature": 0.70, "x_vendor": {"k": [1, 2.50]}}""";

    private static ProviderCall passThroughCall(ChatRequest request, PassThrough passThrough) {
        return new ProviderCall("req-1", request, MODEL, LOOP.next(), passThrough);
    }

    @Test
    void aPassedThroughStreamKeepsEachEventsPayloadBesideItsChunkAndSendsTheClientsBodyPatched() {
        stubChat("text.sse");
        ChatRequest parsed = ChatRequestParser.parseChat(CLIENT_BODY.getBytes(StandardCharsets.UTF_8));
        PassThrough passThrough = PassThrough.of(CLIENT_BODY.getBytes(StandardCharsets.UTF_8), parsed);

        List<ChatChunk> chunks = adapter.chatStream(passThroughCall(parsed.withModel("gpt-4o-mini"), passThrough))
                .collectList().block(Duration.ofSeconds(10));

        List<String> payloads = Fixtures.read("openai", "text.sse").lines().filter(l -> l.startsWith("data: {"))
                .map(l -> l.substring(6)).toList();
        assertThat(chunks).hasSameSizeAs(payloads);
        for (int i = 0; i < chunks.size(); i++) {
            assertThat(new String(passThrough.take(chunks.get(i)), StandardCharsets.UTF_8)).isEqualTo(payloads.get(i));
        }
        assertThat(chunks.getLast().usage()).as("the usage, read as every chunk is").isNotNull();
        assertThat(WM.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).getLast().getBodyAsString())
                .isEqualTo("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                        + "\"temperature\": 0.70,\"x_vendor\": {\"k\": [1, 2.50]},\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true}}");
    }

    /** The prompt_cache_key the adapter adds does not cost the pass-through: it is patched into the client's bytes. */
    @Test
    void aPromptCacheKeyIsPatchedIntoThePassedThroughBody() throws Exception {
        stubChat("completion.json");
        ChatRequest parsed = ChatRequestParser.parseChat(CLIENT_BODY.getBytes(StandardCharsets.UTF_8));
        PassThrough passThrough = PassThrough.of(CLIENT_BODY.getBytes(StandardCharsets.UTF_8), parsed);
        try (OpenAiAdapter keyed = new OpenAiAdapter(config("openai", WM.baseUrl() + "/v1", "sk-test", Map.of(),
                Map.of("prompt-cache-key", "true")))) {
            ChatCompletion completion = await(keyed.chat(new ProviderCall("req-1", parsed.withModel("gpt-4o-mini"),
                    MODEL, LOOP.next(), new PromptCaching(false, "tg-team-a-1f2e", null), passThrough)));

            assertThat(passThrough.take(completion)).as("the answer's bytes kept: passed through").isNotNull();
        }
        assertThat(WM.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).getLast().getBodyAsString())
                .isEqualTo("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                        + "\"temperature\": 0.70,\"x_vendor\": {\"k\": [1, 2.50]},\"prompt_cache_key\":\"tg-team-a-1f2e\"}");
    }

    @Test
    void aRequestAStageChangedIsEncodedAndAPlainAnswerKeepsItsBody() throws Exception {
        stubChat("completion.json");
        ChatRequest parsed = ChatRequestParser.parseChat(CLIENT_BODY.getBytes(StandardCharsets.UTF_8));
        PassThrough passThrough = PassThrough.of(CLIENT_BODY.getBytes(StandardCharsets.UTF_8), parsed);
        ChatRequest changed = parsed.withModel("gpt-4o-mini").withMessages(List.of(Message.user("y")));

        ChatCompletion completion = await(adapter.chat(passThroughCall(changed, passThrough)));

        assertThat(new String(passThrough.take(completion), StandardCharsets.UTF_8))
                .isEqualTo(Fixtures.read("openai", "completion.json"));
        WM.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(equalToJson(
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"y\"}],"
                        + "\"temperature\":0.7,\"x_vendor\":{\"k\":[1,2.5]}}")));
    }

    @Test
    void aChunkSplitToOpenAToolCallFirstHasNoBytesKept() {
        stubChat("tool-calls-whole.sse");
        ChatRequest parsed = ChatRequestParser.parseChat(CLIENT_BODY.getBytes(StandardCharsets.UTF_8));
        PassThrough passThrough = PassThrough.of(CLIENT_BODY.getBytes(StandardCharsets.UTF_8), parsed);

        List<ChatChunk> chunks = adapter.chatStream(passThroughCall(parsed, passThrough))
                .collectList().block(Duration.ofSeconds(10));

        assertThat(chunks.get(0).choices().getFirst().delta().toolCalls().getFirst().function().arguments()).isEmpty();
        assertThat(passThrough.take(chunks.get(0))).as("an opening made by the gateway").isNull();
        assertThat(passThrough.take(chunks.get(1))).as("the arguments split from it").isNull();
        assertThat(passThrough.take(chunks.get(2))).as("the next event, as it came").isNotNull();
    }
}
