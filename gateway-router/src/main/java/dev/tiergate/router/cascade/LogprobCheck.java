package dev.tiergate.router.cascade;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.router.policy.CascadeSettings;

/**
 * Fails an answer the model itself was unsure of, when the provider returned token
 * log-probabilities ({@code choices[].logprobs.content[].logprob}, OpenAI's shape; the client asks
 * for them with {@code logprobs: true}): a mean below {@code minMean}, or one token below
 * {@code minToken}. An answer without log-probabilities passes.
 */
public final class LogprobCheck implements AnswerCheck {
    private final double minMean;
    private final double minToken;

    public LogprobCheck(double minMean, double minToken) {
        this.minMean = minMean;
        this.minToken = minToken;
    }

    @Override
    public String cause() {
        return CascadeSettings.LOW_LOGPROB;
    }

    @Override
    public boolean fails(ChatRequest request, ChatCompletion answer) {
        for (ChatCompletion.Choice choice : answer.choices()) {
            JsonNode tokens = choice.extra().containsKey("logprobs") ? choice.extra().get("logprobs").path("content")
                    : null;
            if (tokens == null || !tokens.isArray() || tokens.isEmpty()) {
                continue;
            }
            double sum = 0;
            int counted = 0;
            for (JsonNode token : tokens) {
                JsonNode logprob = token.get("logprob");
                if (logprob == null || !logprob.isNumber()) {
                    continue;
                }
                double value = logprob.asDouble();
                if (value < minToken) {
                    return true;
                }
                sum += value;
                counted++;
            }
            if (counted > 0 && sum / counted < minMean) {
                return true;
            }
        }
        return false;
    }
}
