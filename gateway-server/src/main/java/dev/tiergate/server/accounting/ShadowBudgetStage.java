package dev.tiergate.server.accounting;

import dev.tiergate.core.error.RateLimitedError;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.FailurePolicy;
import dev.tiergate.core.pipeline.NamedStage;
import dev.tiergate.core.pipeline.StageStep;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Right after the limits in the shadow pipeline: a shadow call of online verification is spend no
 * client asked for, so once the team is past its soft budget (the limits set a budget warning) it
 * is refused, and the reservation the limits made is given back. Below that, the limits alone
 * decide (a rate limit or the hard budget refuses a shadow call as it would any request).
 */
public final class ShadowBudgetStage extends NamedStage {
    public static final String NAME = "shadow-budget";
    public static final String CODE = "shadow_check_past_soft_budget";

    public ShadowBudgetStage() {
        super(NAME, FailurePolicy.FAIL_CLOSED);
    }

    @Override
    public CompletionStage<StageStep> before(Exchange exchange) {
        if (exchange.facts().budgetWarnings().isSet()) {
            return CompletableFuture.failedFuture(new RateLimitedError("team '" + exchange.caller().teamId()
                    + "' is past its soft budget: no shadow checks", CODE, null));
        }
        return StageStep.proceed(exchange, "allowed");
    }
}
