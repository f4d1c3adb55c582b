package dev.tiergate.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.RateLimitException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Messages requests are paid requests like chat: the team's request limit refuses the one too many
 * in Anthropic's shape (the SDK's {@code RateLimitException}, {@code retry-after}), and every answer,
 * plain or streamed, is priced and recorded in {@code GET /v1/usage}.
 */
class MessagesLimitsEndToEndTest {

    @Test
    void theTeamsLimitAppliesAndEveryAnswerIsPricedAndRecorded() throws Exception {
        try (TestGateway gateway = TestGateway.start(TestGateway.DEMO_TIERS_YAML, Map.of(),
                Map.of("teams/team-a.yaml", TestGateway.teamYaml("limits: {requests-per-minute: 2}\n")))) {
            AnthropicClient client = MessagesProvidersEndToEndTest.client(gateway);
            MessageCreateParams params = MessageCreateParams.builder().model("auto").maxTokens(200)
                    .addUserMessage("Write one sentence about the sea.").build();

            HttpResponseFor<Message> plain = client.messages().withRawResponse().create(params);
            MessageAccumulator accumulator = MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params.toBuilder()
                    .messages(java.util.List.of()).addUserMessage("Write two sentences about the sea.").build())) {
                stream.stream().forEach(accumulator::accumulate);
            }

            assertThat(MessagesProvidersEndToEndTest.text(plain.parse())).isNotBlank();
            assertThat(plain.headers().values("x-tiergate-cost-usd")).hasSize(1);
            assertThat(plain.headers().values("x-tiergate-tier")).hasSize(1);
            assertThat(MessagesProvidersEndToEndTest.text(accumulator.message())).isNotBlank();
            assertThat(accumulator.message().usage().outputTokens()).isPositive();
            assertThatThrownBy(() -> client.messages().create(params)).isInstanceOfSatisfying(RateLimitException.class,
                    e -> {
                        assertThat(e.headers().values("retry-after")).hasSize(1);
                        assertThat(e.body().toString()).contains("rate_limit_error");
                    });
            JsonNode usage = AccountingFixtures.usage(gateway, "", TestGateway.KEY);
            assertThat(usage.at("/totals/requests").asLong()).isEqualTo(2);
            assertThat(usage.at("/totals/cost_usd").decimalValue()).isPositive();
        }
    }
}
