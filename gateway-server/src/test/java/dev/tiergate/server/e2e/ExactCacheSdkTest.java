package dev.tiergate.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The exact cache through the real server with the official SDK: a plain or streamed answer is
 * served to a later plain or streamed request of the same content, in all four combinations.
 */
class ExactCacheSdkTest {
    private static final String YAML = """
            providers:
              sim: {type: demo, options: {first-token-ms: 0, chunk-delay-ms: 0}}
            models:
              demo-mid: {provider: sim}
            cache:
              exact: {enabled: true}
            """;
    private static TestGateway gateway;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(YAML);
        client = OpenAIOkHttpClient.builder().apiKey(TestGateway.KEY).baseUrl(gateway.baseUrl()).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void plainThenPlain() {
        ChatCompletionCreateParams params = params("plain then plain");
        HttpResponseFor<ChatCompletion> miss = client.chat().completions().withRawResponse().create(params);
        HttpResponseFor<ChatCompletion> hit = client.chat().completions().withRawResponse().create(params);
        assertThat(miss.headers().values("x-tiergate-cache")).containsExactly("miss");
        assertThat(hit.headers().values("x-tiergate-cache")).containsExactly("hit");
        assertThat(text(hit.parse())).isEqualTo(text(miss.parse()));
        assertThat(hit.parse().id()).isNotEqualTo(miss.parse().id());
        assertThat(hit.parse().usage().orElseThrow().completionTokens())
                .isEqualTo(miss.parse().usage().orElseThrow().completionTokens());
    }

    @Test
    void plainThenStream() {
        ChatCompletionCreateParams params = params("plain then stream");
        String answer = text(client.chat().completions().create(params));
        Streamed hit = stream(params);
        assertThat(hit.cache()).isEqualTo("hit");
        assertThat(hit.text()).isEqualTo(answer);
    }

    @Test
    void streamThenPlain() {
        ChatCompletionCreateParams params = params("stream then plain");
        Streamed miss = stream(params);
        HttpResponseFor<ChatCompletion> hit = client.chat().completions().withRawResponse().create(params);
        assertThat(miss.cache()).isEqualTo("miss");
        assertThat(hit.headers().values("x-tiergate-cache")).containsExactly("hit");
        assertThat(text(hit.parse())).isEqualTo(miss.text());
    }

    @Test
    void streamThenStream() {
        ChatCompletionCreateParams params = params("stream then stream");
        Streamed miss = stream(params);
        Streamed hit = stream(params);
        assertThat(miss.cache()).isEqualTo("miss");
        assertThat(hit.cache()).isEqualTo("hit");
        assertThat(hit.text()).isEqualTo(miss.text());
        assertThat(hit.chunks()).isGreaterThan(3);
    }

    @Test
    void aChangedParameterMissesAndAnotherTeamWouldNeverSeeIt() {
        ChatCompletionCreateParams params = params("changed parameter");
        client.chat().completions().create(params);
        HttpResponseFor<ChatCompletion> other = client.chat().completions().withRawResponse()
                .create(params.toBuilder().temperature(0.3).build());
        assertThat(other.headers().values("x-tiergate-cache")).containsExactly("miss");
    }

    private static ChatCompletionCreateParams params(String question) {
        return ChatCompletionCreateParams.builder().model("demo-mid").temperature(0.0)
                .addUserMessage(question + " " + System.nanoTime()).build();
    }

    private static String text(ChatCompletion completion) {
        return completion.choices().getFirst().message().content().orElseThrow();
    }

    private record Streamed(String cache, String text, int chunks) {
    }

    private static Streamed stream(ChatCompletionCreateParams params) {
        HttpResponseFor<StreamResponse<ChatCompletionChunk>> response =
                client.chat().completions().withRawResponse().createStreaming(params);
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = response.parse()) {
            chunks = stream.stream().toList();
        }
        String text = chunks.stream().flatMap(c -> c.choices().stream())
                .map(c -> c.delta().content().orElse("")).collect(Collectors.joining());
        return new Streamed(response.headers().values("x-tiergate-cache").getFirst(), text, chunks.size());
    }
}
