package dev.tiergate.router.cascade;

import static dev.tiergate.router.cascade.Answers.completion;
import static dev.tiergate.router.cascade.Answers.request;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TruncationCheckTest {
    private final TruncationCheck check = new TruncationCheck();
    private static final String MESSAGE = "{\"role\":\"assistant\",\"content\":\"one, two, thr\"}";

    @Test
    void anAnswerStoppedAtTheLengthLimitFails() {
        assertThat(check.fails(request(""), completion(MESSAGE, "length", ""))).isTrue();
        assertThat(check.cause()).isEqualTo("truncated");
    }

    @Test
    void anAnswerThatStoppedOnItsOwnOrCalledAToolPasses() {
        assertThat(check.fails(request(""), completion(MESSAGE, "stop", ""))).isFalse();
        assertThat(check.fails(request(""), completion(MESSAGE, "tool_calls", ""))).isFalse();
    }
}
