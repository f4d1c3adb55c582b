package dev.tiergate.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Responses API on the bundled default config (the built-in demo provider behind the alias
 * {@code auto}), as a newcomer tries it with the official SDK: routed, cached and streamed like chat.
 */
class ResponsesDemoEndToEndTest {
    private static TestGateway gateway;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.startBundled(Map.of());
        client = OpenAIOkHttpClient.builder().apiKey("sk-tiergate-demo").baseUrl(gateway.baseUrl()).maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aPlainResponseIsRoutedAndARepeatIsAnExactCacheHit() {
        ResponseCreateParams params = ResponseCreateParams.builder().model("auto")
                .input("What does Tiergate do? " + System.nanoTime()).build();
        HttpResponseFor<Response> first = client.responses().withRawResponse().create(params);
        String tier = first.headers().values("x-tiergate-tier").getFirst();
        assertThat(first.headers().values("x-tiergate-provider")).containsExactly("demo");
        assertThat(first.headers().values("x-tiergate-cache")).containsExactly("miss");
        String text = text(first.parse());
        assertThat(text).startsWith("[demo-" + tier + "] ");
        assertThat(first.parse().usage().orElseThrow().outputTokens()).isPositive();

        HttpResponseFor<Response> second = client.responses().withRawResponse().create(params);
        assertThat(second.headers().values("x-tiergate-cache")).containsExactly("hit");
        assertThat(text(second.parse())).isEqualTo(text);
        assertThat(second.parse().id()).isNotEqualTo(first.parse().id());
    }

    @Test
    void aStreamedResponseAccumulatesToWhatTheDeltasSaid() {
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        List<String> deltas = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams
                .builder().model("auto").input("Count to five, please. " + System.nanoTime()).build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                event.outputTextDelta().ifPresent(d -> deltas.add(d.delta()));
            });
        }
        Response response = accumulator.response();
        assertThat(deltas.size()).isGreaterThan(1);
        assertThat(text(response)).isEqualTo(String.join("", deltas)).startsWith("[demo-");
        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(response.usage().orElseThrow().totalTokens()).isPositive();
    }

    @Test
    void anAnswerCutByMaxOutputTokensIsIncomplete() {
        Response response = client.responses().create(ResponseCreateParams.builder().model("demo-frontier")
                .input("Write a long story about a lighthouse. " + System.nanoTime()).maxOutputTokens(3L).build());
        assertThat(response.status()).contains(ResponseStatus.INCOMPLETE);
        assertThat(response.incompleteDetails().orElseThrow().reason().orElseThrow().asString())
                .isEqualTo("max_output_tokens");
        assertThat(response.usage().orElseThrow().outputTokens()).isLessThanOrEqualTo(3);
    }

    private static String text(Response response) {
        StringBuilder text = new StringBuilder();
        response.output().forEach(item -> item.message().ifPresent(m -> m.content()
                .forEach(c -> c.outputText().ifPresent(t -> text.append(t.text())))));
        return text.toString();
    }
}
