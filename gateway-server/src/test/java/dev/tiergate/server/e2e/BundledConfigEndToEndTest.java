package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The bundled default config, as a newcomer runs it: the demo team key, the alias {@code auto}
 * over the demo models, the exact cache on; with OPENAI_API_KEY set, {@code auto} uses the
 * OpenAI-compatible upstream that OPENAI_BASE_URL names.
 */
class BundledConfigEndToEndTest {
    private static final String DEMO_KEY = "sk-tiergate-demo";

    @Test
    void withoutAProviderKeyTheDemoModelsAnswerAndARepeatIsAnExactCacheHit() throws Exception {
        try (TestGateway gateway = TestGateway.startBundled(Map.of())) {
            OpenAIClient client = client(gateway, DEMO_KEY);
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("auto")
                    .addUserMessage("What does Tiergate do? " + System.nanoTime()).build();

            HttpResponseFor<ChatCompletion> first = client.chat().completions().withRawResponse().create(params);
            assertThat(first.headers().values("x-tiergate-provider")).containsExactly("demo");
            String tier = first.headers().values("x-tiergate-tier").getFirst();
            assertThat(tier).isIn("small", "mid", "frontier");
            assertThat(first.headers().values("x-tiergate-model")).containsExactly("demo-" + tier);
            assertThat(first.headers().values("x-tiergate-cache")).containsExactly("miss");
            assertThat(first.headers().values("x-tiergate-route-cause")).containsExactly("classifier");
            String answer = first.parse().choices().getFirst().message().content().orElseThrow();
            assertThat(answer).startsWith("[demo-" + tier + "] ");
            assertThat(first.parse().usage().orElseThrow().completionTokens()).isPositive();

            HttpResponseFor<ChatCompletion> second = client.chat().completions().withRawResponse().create(params);
            assertThat(second.headers().values("x-tiergate-cache")).containsExactly("hit");
            assertThat(second.parse().choices().getFirst().message().content()).hasValue(answer);
        }
    }

    @Test
    void theRouterSendsEasyPromptsToTheSmallTierAndHardOnesToTheFrontier() throws Exception {
        try (TestGateway gateway = TestGateway.startBundled(Map.of())) {
            OpenAIClient client = client(gateway, DEMO_KEY);
            HttpResponseFor<ChatCompletion> easy = client.chat().completions().withRawResponse().create(
                    ChatCompletionCreateParams.builder().model("auto")
                            .addUserMessage("Hi! How are you today?").build());
            HttpResponseFor<ChatCompletion> hard = client.chat().completions().withRawResponse().create(
                    ChatCompletionCreateParams.builder().model("auto").addUserMessage(
                            "Prove that for every integer n > 1 the sum of 1/k^2 for k = 1..n is less than 2 - 1/n, "
                                    + "then determine all real x with x^4 - 5x^2 + 4 < 0 and justify each step "
                                    + "rigorously using induction and a sign analysis.").build());

            assertThat(easy.headers().values("x-tiergate-tier")).containsExactly("small");
            assertThat(easy.headers().values("x-tiergate-model")).containsExactly("demo-small");
            assertThat(hard.headers().values("x-tiergate-tier")).containsExactly("frontier");
            assertThat(hard.headers().values("x-tiergate-model")).containsExactly("demo-frontier");
            double easyScore = Double.parseDouble(easy.headers().values("x-tiergate-complexity").getFirst());
            double hardScore = Double.parseDouble(hard.headers().values("x-tiergate-complexity").getFirst());
            assertThat(easyScore).isBetween(0.0, 1.0).isLessThan(hardScore);
            assertThat(hardScore).isLessThanOrEqualTo(1.0);

            HttpResponseFor<ChatCompletion> concrete = client.chat().completions().withRawResponse().create(
                    ChatCompletionCreateParams.builder().model("demo-mid").addUserMessage("Hi! How are you?").build());
            assertThat(concrete.headers().values("x-tiergate-model")).containsExactly("demo-mid");
            assertThat(concrete.headers().values("x-tiergate-route-cause")).isEmpty();
        }
    }

    /**
     * The bundled default (quality-target 0.95 on the shipped calibration curve) keeps everyday and
     * easy prompts on the small tier and sends a proof and a system design to the frontier. None of
     * these prompts is in the training data.
     */
    @Test
    void theBundledQualityTargetRoutesEverydayPromptsSmallAndHardReasoningToTheFrontier() throws Exception {
        List<String> everyday = List.of(
                "Good morning! Hope your week is going well.",
                "Rewrite this sentence to sound more polite: Send me the report now.",
                "Make this email shorter: Hi team, I just wanted to let you all know that the meeting tomorrow "
                        + "has been moved to 3pm because the room was double booked.",
                "Pull out every date from this note: the kickoff is on 4 May and the review on 18 June.",
                "Who wrote Pride and Prejudice?",
                "What is 12 + 30?",
                "If John has 5 apples and gives 2 to Mary, how many apples does he have left?");
        List<String> hard = List.of(
                "Prove that there are infinitely many prime numbers of the form 4k+3.",
                "Design a globally distributed, multi-region payment processing system that guarantees "
                        + "exactly-once settlement, handles network partitions, supports 50,000 transactions per "
                        + "second, and explain the consistency model, data partitioning, failure recovery and the "
                        + "trade-offs of each component.");
        try (TestGateway gateway = TestGateway.startBundled(Map.of())) {
            OpenAIClient client = client(gateway, DEMO_KEY);
            for (String prompt : everyday) {
                assertThat(tierOf(client, prompt)).as(prompt).isEqualTo("small");
            }
            for (String prompt : hard) {
                assertThat(tierOf(client, prompt)).as(prompt).isEqualTo("frontier");
            }
        }
    }

    private static String tierOf(OpenAIClient client, String prompt) {
        HttpResponseFor<ChatCompletion> response = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("auto").addUserMessage(prompt).build());
        assertThat(response.headers().values("x-tiergate-route-cause")).containsExactly("classifier");
        return response.headers().values("x-tiergate-tier").getFirst();
    }

    @Test
    void aParaphraseOfAnAnsweredPromptIsASemanticHitAndADifferentNumberIsNot() throws Exception {
        try (TestGateway gateway = TestGateway.startBundled(Map.of())) {
            OpenAIClient client = client(gateway, DEMO_KEY);
            String answer = ask(client, "How do I reset my password?").parse().choices().getFirst().message()
                    .content().orElseThrow();

            HttpResponseFor<ChatCompletion> paraphrase = ask(client, "I forgot my password, how can I change it");
            assertThat(paraphrase.headers().values("x-tiergate-cache")).containsExactly("semantic-hit");
            assertThat(Double.parseDouble(paraphrase.headers().values("x-tiergate-cache-similarity").getFirst()))
                    .isBetween(0.70, 1.0);
            assertThat(paraphrase.parse().choices().getFirst().message().content()).hasValue(answer);

            ask(client, "What is 2+3?");
            HttpResponseFor<ChatCompletion> otherNumber = ask(client, "What is 2+4?");
            assertThat(otherNumber.headers().values("x-tiergate-cache")).containsExactly("miss");

            System.gc();   // meters whose state Micrometer holds weakly must survive a collection
            PrometheusText metrics = AccountingFixtures.metrics(gateway);
            assertThat(metrics.value("tiergate_stage_steps_total", Map.of("stage", "semantic-cache", "outcome", "hit")))
                    .isEqualTo(1.0);
            assertThat(metrics.value("tiergate_stage_steps_total", Map.of("stage", "semantic-cache", "outcome", "miss")))
                    .isEqualTo(3.0);
            assertThat(metrics.value("tiergate_stage_steps_total", Map.of("stage", "exact-cache", "outcome", "miss")))
                    .isEqualTo(4.0);
            assertThat(metrics.value("tiergate_stage_steps_total", Map.of("stage", "complexity-router",
                    "outcome", "classifier"))).isEqualTo(3.0);
            assertThat(metrics.value("tiergate_stage_duration_seconds_count", Map.of("stage", "semantic-cache")))
                    .isEqualTo(4.0);
            assertThat(metrics.value("tiergate_cache_semantic_stores_total",
                    Map.of("stage", "semantic-cache", "outcome", "stored"))).isGreaterThanOrEqualTo(1.0);
        }
    }

    private static HttpResponseFor<ChatCompletion> ask(OpenAIClient client, String question) {
        return client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("auto").addUserMessage(question).build());
    }

    @Test
    void demoModelsStreamChunkByChunk() throws Exception {
        try (TestGateway gateway = TestGateway.startBundled(Map.of())) {
            OpenAIClient client = client(gateway, DEMO_KEY);
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("demo-frontier")
                    .addUserMessage("Stream me an answer " + System.nanoTime()).build();
            List<ChatCompletionChunk> chunks;
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
                chunks = stream.stream().toList();
            }
            assertThat(chunks).hasSizeGreaterThan(20);
            String text = chunks.stream().flatMap(c -> c.choices().stream())
                    .map(c -> c.delta().content().orElse("")).collect(Collectors.joining());
            assertThat(text).startsWith("[demo-frontier] ");
            assertThat(chunks.getLast().choices().getFirst().finishReason())
                    .hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
        }
    }

    @Test
    void modelsEmbeddingsAndTheDemoKeyWork() throws Exception {
        try (TestGateway gateway = TestGateway.startBundled(Map.of())) {
            OpenAIClient client = client(gateway, DEMO_KEY);
            List<String> ids = client.models().list().data().stream().map(Model::id).toList();
            assertThat(ids).contains("auto", "demo-small", "demo-mid", "demo-frontier", "demo-embedding")
                    .doesNotContain("gpt-4o", "gpt-4o-mini");

            CreateEmbeddingResponse embedding = client.embeddings().create(EmbeddingCreateParams.builder()
                    .model("demo-embedding").input("hello").build());
            assertThat(embedding.data().getFirst().embedding()).hasSize(256);

            OpenAIClient stranger = client(gateway, "sk-not-a-key");
            assertThatThrownBy(() -> stranger.models().list()).isInstanceOf(UnauthorizedException.class);
        }
    }

    @Test
    void withOpenAiApiKeySetAutoUsesTheOpenAiUpstream() throws Exception {
        WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        try {
            UpstreamFixtures.stubChat(upstream, 1, 0);
            Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-upstream-secret",
                    "OPENAI_BASE_URL", "http://127.0.0.1:" + upstream.port() + "/v1");
            try (TestGateway gateway = TestGateway.startBundled(env)) {
                OpenAIClient client = client(gateway, DEMO_KEY);
                assertThat(client.models().list().data().stream().map(Model::id).toList())
                        .contains("gpt-4o", "gpt-4o-mini", "auto");
                HttpResponseFor<ChatCompletion> response = client.chat().completions().withRawResponse().create(
                        ChatCompletionCreateParams.builder().model("auto").addUserMessage("Capital of France?").build());
                assertThat(response.headers().values("x-tiergate-provider")).containsExactly("openai");
                assertThat(response.headers().values("x-tiergate-model")).containsExactly("gpt-4o-mini");
                assertThat(response.parse().choices().getFirst().message().content())
                        .hasValueSatisfying(text -> assertThat(text).contains(UpstreamFixtures.ANSWER_WORDS));
                upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                        .withHeader("Authorization", equalTo("Bearer sk-upstream-secret")));
            }
        } finally {
            upstream.stop();
        }
    }

    private static OpenAIClient client(TestGateway gateway, String key) {
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl(gateway.baseUrl()).maxRetries(0).build();
    }
}
