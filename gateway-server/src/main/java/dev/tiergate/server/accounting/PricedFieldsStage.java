package dev.tiergate.server.accounting;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.config.TeamAccountingConfig;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.FailurePolicy;
import dev.tiergate.core.pipeline.NamedStage;
import dev.tiergate.core.pipeline.StageStep;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Refuses request fields that change what a provider charges or keeps, which the gateway passes
 * through but cannot price, unless the team allows them ({@code allow-priced-fields}):
 * {@code service_tier} other than {@code auto}/{@code default} (priority and flex processing are
 * priced differently), {@code store: true} (the provider keeps the exchange) and {@code metadata}
 * (kept with it). A 400 that names the field, before anything is reserved or sent.
 */
public final class PricedFieldsStage extends NamedStage {
    public static final String NAME = "priced-fields";

    public PricedFieldsStage() {
        super(NAME, FailurePolicy.FAIL_CLOSED);
    }
    private static final Set<String> STANDARD_TIERS = Set.of("auto", "default");

    @Override
    public CompletionStage<StageStep> before(Exchange exchange) {
        TeamAccountingConfig team = exchange.caller().team().accounting();
        var extra = exchange.chat().extra();
        String refused = null;
        JsonNode tier = extra.get("service_tier");
        if (tier != null && !tier.isNull() && !(tier.isTextual() && STANDARD_TIERS.contains(tier.asText()))
                && !team.allowedPricedFields().contains("service_tier")) {
            refused = "service_tier";
        }
        JsonNode store = extra.get("store");
        if (refused == null && store != null && store.asBoolean(false) && !team.allowedPricedFields().contains("store")) {
            refused = "store";
        }
        JsonNode metadata = extra.get("metadata");
        if (refused == null && metadata != null && !metadata.isNull()
                && !team.allowedPricedFields().contains("metadata")) {
            refused = "metadata";
        }
        if (refused != null) {
            return CompletableFuture.failedFuture(new InvalidRequestError("'" + refused + "' changes what the provider "
                    + "charges or keeps, which this gateway does not price; team '" + exchange.caller().teamId()
                    + "' does not allow it (allow-priced-fields)", "field_not_allowed", refused));
        }
        return StageStep.proceed(exchange, "allowed");
    }
}
