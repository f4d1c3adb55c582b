package dev.tiergate.router.cascade;

import static dev.tiergate.router.cascade.Answers.completion;
import static dev.tiergate.router.cascade.Answers.request;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogprobCheckTest {
    private static final String MESSAGE = "{\"role\":\"assistant\",\"content\":\"Paris.\"}";

    private static String logprobs(double... values) {
        StringBuilder content = new StringBuilder();
        for (double v : values) {
            content.append(content.isEmpty() ? "" : ",").append("{\"token\":\"t\",\"logprob\":").append(v)
                    .append(",\"top_logprobs\":[]}");
        }
        return ",\"logprobs\":{\"content\":[" + content + "]}";
    }

    @Test
    void aLowMeanFails() {
        LogprobCheck check = new LogprobCheck(-1.0, Double.NEGATIVE_INFINITY);
        assertThat(check.fails(request(""), completion(MESSAGE, "stop", logprobs(-0.5, -2.0, -1.5)))).isTrue();
        assertThat(check.fails(request(""), completion(MESSAGE, "stop", logprobs(-0.1, -0.3, -1.5)))).isFalse();
        assertThat(check.cause()).isEqualTo("low-logprob");
    }

    @Test
    void oneTokenBelowTheTokenFloorFailsAConfidentAnswer() {
        LogprobCheck check = new LogprobCheck(-1.0, -5.0);
        assertThat(check.fails(request(""), completion(MESSAGE, "stop", logprobs(-0.01, -0.01, -6.0, -0.01))))
                .isTrue();
        assertThat(check.fails(request(""), completion(MESSAGE, "stop", logprobs(-0.01, -0.01, -0.01, -0.01, -0.01, -0.01, -0.01, -0.01, -4.9)))).isFalse();
    }

    @Test
    void anAnswerWithoutLogprobsPasses() {
        LogprobCheck check = new LogprobCheck(-0.0001, -0.0001);
        assertThat(check.fails(request(""), completion(MESSAGE, "stop", ""))).isFalse();
        assertThat(check.fails(request(""), completion(MESSAGE, "stop", ",\"logprobs\":null"))).isFalse();
    }
}
