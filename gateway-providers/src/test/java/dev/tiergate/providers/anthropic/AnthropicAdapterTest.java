package dev.tiergate.providers.anthropic;

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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.provider.ProviderCall;
import dev.tiergate.providers.testing.EventLoopExtension;
import dev.tiergate.providers.testing.Fixtures;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What only the Anthropic adapter does: the translated request with Anthropic's headers and
 * options, and what Anthropic alone answers (529). What every adapter does is in the contract suite.
 */
class AnthropicAdapterTest {
    @RegisterExtension
    static final EventLoopExtension LOOP = new EventLoopExtension();

    @RegisterExtension
    static final WireMockExtension WM = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ModelConfig MODEL = new ModelConfig("smart", "anthropic", "claude-sonnet-4-5", ModelConfig.CHAT, null);
    private static final String SIMPLE_BODY = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":4096,"
            + "\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Say hello\"}]}]}";

    private final AnthropicAdapter adapter = new AnthropicAdapter(config(Map.of()));

    @AfterEach
    void closeAdapter() {
        adapter.close();
    }

    private static ProviderConfig config(Map<String, String> options) {
        return new ProviderConfig("anthropic", "anthropic", URI.create(WM.baseUrl() + "/v1"), "sk-ant-test",
                Duration.ofSeconds(2), Duration.ofSeconds(5), 8, Map.of("anthropic-beta", "tools-2024-04-04"), options);
    }

    private static ChatRequest sayHello() {
        return ChatRequest.of("claude-sonnet-4-5", List.of(Message.system("Be brief."), Message.user("Say hello")));
    }

    private static ProviderCall call(ChatRequest request) {
        return new ProviderCall("req-1", request, MODEL, LOOP.next());
    }

    private static void stubMessages(ResponseDefinitionBuilder response) {
        WM.stubFor(post(urlEqualTo("/v1/messages")).willReturn(response));
    }

    @Test
    void completionSendsTheTranslatedRequestWithAnthropicHeaders() throws Exception {
        stubMessages(aResponse().withBody(Fixtures.read("anthropic", "message.json")));

        ChatCompletion completion = await(adapter.chat(call(sayHello())));

        assertThat(completion.id()).isEqualTo("msg_01XFDUDYJgAACzvnptvVoYEL");
        assertThat(completion.usage().totalTokens()).isEqualTo(41);
        WM.verify(postRequestedFor(urlEqualTo("/v1/messages"))
                .withHeader("x-api-key", equalTo("sk-ant-test"))
                .withHeader("anthropic-version", equalTo("2023-06-01"))
                .withHeader("anthropic-beta", equalTo("tools-2024-04-04"))
                .withoutHeader("Authorization")
                .withRequestBody(equalToJson(SIMPLE_BODY)));
    }

    @Test
    void readsTheVersionAndDefaultMaxTokensOptions() throws Exception {
        stubMessages(aResponse().withBody(Fixtures.read("anthropic", "message.json")));
        Map<String, String> options = Map.of("anthropic-version", "2024-01-01", "default-max-tokens", "1024");
        try (AnthropicAdapter configured = new AnthropicAdapter(config(options))) {
            await(configured.chat(call(sayHello())));
        }
        WM.verify(postRequestedFor(urlEqualTo("/v1/messages"))
                .withHeader("anthropic-version", equalTo("2024-01-01"))
                .withRequestBody(equalToJson("{\"max_tokens\":1024}", true, true)));
    }

    @Test
    void rejectsABadDefaultMaxTokensAndDefaultsTheBaseUrl() {
        assertThatThrownBy(() -> new AnthropicAdapter(config(Map.of("default-max-tokens", "lots"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("providers.anthropic.options.default-max-tokens: lots (expected: a positive integer)");
        ProviderConfig noBase = new ProviderConfig("claude", "anthropic", null, "k", null, null, 0, Map.of(), Map.of());
        try (AnthropicAdapter defaulted = new AnthropicAdapter(noBase)) {
            assertThat(defaulted.messagesUri()).hasToString("https://api.anthropic.com/v1/messages");
        }
    }

    @Test
    void anUntranslatableRequestFailsWithoutCallingTheProvider() {
        ChatRequest twoChoices = new ChatRequest("claude-sonnet-4-5", List.of(Message.user("x")), null, null, null,
                null, null, null, 2, null, null, null, null, null, null, Map.of());

        GatewayError error = failureOf(adapter.chat(call(twoChoices)));
        GatewayError streamError = failureOf(adapter.chatStream(call(twoChoices.withStream(true, null))));

        assertThat(error).isInstanceOf(InvalidRequestError.class);
        assertThat(error.param()).isEqualTo("n");
        assertThat(streamError).isInstanceOf(InvalidRequestError.class);
        WM.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aPlainRequestPassedToChatStreamStillAsksForAStream() {
        stubMessages(aResponse().withBody(Fixtures.read("anthropic", "tool-use.sse")));

        List<ChatChunk> chunks = adapter.chatStream(call(sayHello())).collectList().block(Duration.ofSeconds(10));

        assertThat(chunks.get(chunks.size() - 2).finishReason()).isEqualTo("tool_calls");
        WM.verify(postRequestedFor(urlEqualTo("/v1/messages"))
                .withRequestBody(equalToJson("{\"model\":\"claude-sonnet-4-5\",\"stream\":true}", true, true)));
    }

    @Test
    void overloadedIsRetryable() {
        stubMessages(aResponse().withStatus(529).withBody(Fixtures.read("anthropic", "error-529.json")));

        UpstreamError overloaded = (UpstreamError) failureOf(adapter.chat(call(sayHello())));

        assertThat(overloaded.upstreamStatus()).isEqualTo(529);
        assertThat(overloaded.status()).isEqualTo(502);
        assertThat(overloaded.code()).isEqualTo("overloaded_error");
        assertThat(overloaded.retryable()).isTrue();
    }
}
