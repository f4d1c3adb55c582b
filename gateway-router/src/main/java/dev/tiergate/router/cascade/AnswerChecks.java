package dev.tiergate.router.cascade;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.router.policy.CascadeSettings;
import java.util.ArrayList;
import java.util.List;

/** The checks a cascading team runs on an answer, in the order of {@link CascadeSettings#CHECKS}. */
public final class AnswerChecks {
    private final List<AnswerCheck> checks;

    private AnswerChecks(List<AnswerCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    /** The checks {@code settings} turns on. */
    public static AnswerChecks of(CascadeSettings settings) {
        requireNonNull(settings, "settings");
        List<AnswerCheck> on = new ArrayList<>();
        for (String name : CascadeSettings.CHECKS) {
            if (settings.checks().contains(name)) {
                on.add(switch (name) {
                    case CascadeSettings.REFUSAL -> new RefusalCheck();
                    case CascadeSettings.TRUNCATED -> new TruncationCheck();
                    case CascadeSettings.INVALID_JSON -> new JsonAnswerCheck();
                    case CascadeSettings.LOW_LOGPROB -> new LogprobCheck(settings.minMeanLogprob(),
                            settings.minTokenLogprob());
                    default -> throw new IllegalArgumentException("no check named '" + name + "'");
                });
            }
        }
        return new AnswerChecks(on);
    }

    /** The cause of the first check {@code answer} fails, or null when it passes them all. */
    public String firstFailure(ChatRequest request, ChatCompletion answer) {
        for (AnswerCheck check : checks) {
            if (check.fails(request, answer)) {
                return check.cause();
            }
        }
        return null;
    }
}
