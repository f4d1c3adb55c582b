package dev.tiergate.router.cascade;

import static dev.tiergate.router.cascade.Answers.completion;
import static dev.tiergate.router.cascade.Answers.request;
import static dev.tiergate.router.cascade.Answers.saying;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.router.policy.CascadeSettings;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AnswerChecksTest {

    @Test
    void theFirstFailedCheckInOrderIsTheCause() {
        AnswerChecks all = AnswerChecks.of(CascadeSettings.defaults());
        var refusedAndTruncated = completion("{\"role\":\"assistant\",\"content\":\"I cannot help with th\"}",
                "length", "");
        assertThat(all.firstFailure(request(""), refusedAndTruncated)).isEqualTo("refusal");
        assertThat(all.firstFailure(request(""), saying("Paris."))).isNull();
    }

    @Test
    void onlyTheChecksTheTeamKeepsRun() {
        AnswerChecks truncationOnly = AnswerChecks.of(new CascadeSettings(Set.of(CascadeSettings.TRUNCATED), -1,
                Double.NEGATIVE_INFINITY, false, 1024, Duration.ofSeconds(1)));
        assertThat(truncationOnly.firstFailure(request(""), saying("I cannot help with that."))).isNull();
        assertThat(truncationOnly.firstFailure(request(""),
                completion("{\"role\":\"assistant\",\"content\":\"I cannot help with th\"}", "length", "")))
                .isEqualTo("truncated");
    }
}
