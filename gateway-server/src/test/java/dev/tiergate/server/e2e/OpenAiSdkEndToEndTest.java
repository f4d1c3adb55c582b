package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official openai-java SDK, pointed at the gateway, which passes the calls to a WireMock upstream. */
class OpenAiSdkEndToEndTest {
    private static WireMockServer upstream;
    private static TestGateway gateway;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        UpstreamFixtures.stubChat(upstream, 6, 300);
        gateway = TestGateway.start(UpstreamFixtures.gatewayYaml(upstream.port(), 1 << 20));
        client = OpenAIOkHttpClient.builder().apiKey(TestGateway.KEY).baseUrl(gateway.baseUrl()).maxRetries(0).build();
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

    @Test
    void plainCompletionGoesThroughWithTheUpstreamKeyAndModel() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("auto")
                .addSystemMessage("You are brief.")
                .addUserMessage("What is the capital of France?")
                .temperature(0.2)
                .build());

        assertThat(completion.choices().getFirst().message().content()).contains(UpstreamFixtures.ANSWER_WORDS);
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(23);
        upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer sk-upstream-secret"))
                .withRequestBody(equalToJson("""
                        {"model":"gpt-4o-mini","temperature":0.2,
                         "messages":[{"role":"system","content":"You are brief."},
                                     {"role":"user","content":"What is the capital of France?"}]}
                        """, false, false)));
    }

    @Test
    void streamedCompletionArrivesChunkByChunkAndIntact() {
        List<String> pieces = new ArrayList<>();
        boolean sawUsage = false;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder()
                        .model("gpt-4o-mini")
                        .addUserMessage("What is the capital of France?")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                        .build())) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                if (chunk.usage().isPresent()) {
                    sawUsage = true;
                }
                chunk.choices().forEach(c -> c.delta().content().ifPresent(pieces::add));
            }
        }
        assertThat(String.join("", pieces)).isEqualTo(UpstreamFixtures.ANSWER_WORDS);
        assertThat(pieces.size()).isGreaterThan(5);
        assertThat(sawUsage).isTrue();
    }
}
