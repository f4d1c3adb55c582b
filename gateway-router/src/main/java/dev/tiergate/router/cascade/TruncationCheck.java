package dev.tiergate.router.cascade;

import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.router.policy.CascadeSettings;

/**
 * Fails an answer the model stopped before its end: a choice whose {@code finish_reason} is
 * {@code length} (the output-token limit, the client's or the model's, was reached).
 */
public final class TruncationCheck implements AnswerCheck {
    static final String LENGTH = "length";

    @Override
    public String cause() {
        return CascadeSettings.TRUNCATED;
    }

    @Override
    public boolean fails(ChatRequest request, ChatCompletion answer) {
        return answer.choices().stream().anyMatch(choice -> LENGTH.equals(choice.finishReason()));
    }
}
