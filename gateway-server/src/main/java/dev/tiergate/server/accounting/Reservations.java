package dev.tiergate.server.accounting;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.accounting.Costs;
import dev.tiergate.core.accounting.Reservation;
import dev.tiergate.core.accounting.TokenCounts;
import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.Pricing;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.core.tokens.TokenCounter;
import java.util.List;

/**
 * The worst case of a request, reserved against its limits before it goes upstream: its input
 * tokens (counted here, with a margin for providers whose tokenizer counts more) plus its output
 * cap ({@code max_completion_tokens}, else {@code max_tokens}, else the model's
 * {@code max-output-tokens}; times {@code n}), priced at the dearest model that may answer it: the
 * model and its fallbacks, and for an alias every model of every tier (the router, escalation and
 * fallbacks may pick any). Embeddings: their input at the model's input price.
 */
final class Reservations {
    /** Tokenizers differ between providers: reserve a tenth more input than o200k counts, and 16 tokens. */
    static final double INPUT_MARGIN = 1.10;
    static final int INPUT_SLACK = 16;

    private final ModelCatalog catalog;
    private final TokenCounter tokens;

    Reservations(ModelCatalog catalog, TokenCounter tokens) {
        this.catalog = requireNonNull(catalog, "catalog");
        this.tokens = requireNonNull(tokens, "tokens");
    }

    Reservation of(Exchange exchange) {
        TeamConfig team = exchange.caller().team();
        return switch (exchange.request()) {
            case ChatRequest chat -> chat(team, chat);
            case EmbeddingRequest embeddings -> embeddings(team, embeddings);
        };
    }

    /** An alias request held to its cheapest tier, and what that costs at the most. */
    record TierReservation(String tier, Reservation reservation) {
    }

    /**
     * For an alias request: its worst case if served by the alias's first (cheapest) tier alone,
     * without escalation; null for a concrete model.
     */
    TierReservation cheapestTier(Exchange exchange) {
        if (!(exchange.request() instanceof ChatRequest chat)) {
            return null;
        }
        TeamConfig team = exchange.caller().team();
        String tier = weakestTier(team, chat);
        if (tier == null) {
            return null;
        }
        List<ModelCatalog.Candidate> inTier = catalog.resolveChat(team, chat.model(), tier).candidates().stream()
                .filter(c -> tier.equals(c.tier())).toList();
        return inTier.isEmpty() ? null : new TierReservation(tier, worstOf(chat, inTier));
    }

    private Reservation chat(TeamConfig team, ChatRequest chat) {
        return worstOf(chat, catalog.resolveChat(team, chat.model(), weakestTier(team, chat)).candidates());
    }

    private Reservation worstOf(ChatRequest chat, List<ModelCatalog.Candidate> candidates) {
        long input = withMargin(tokens.prompt(chat));
        long choices = chat.n() == null || chat.n() < 1 ? 1 : chat.n();
        Integer asked = chat.maxCompletionTokens() != null ? chat.maxCompletionTokens() : chat.maxTokens();
        long worstTokens = 0;
        long worstCost = 0;
        for (ModelCatalog.Candidate candidate : candidates) {
            ModelConfig model = candidate.model();
            long output = choices * (asked != null ? asked : model.maxOutputTokens());
            worstTokens = Math.max(worstTokens, input + output);
            worstCost = Math.max(worstCost, nanos(input, output, model.pricing()));
        }
        return new Reservation(worstTokens, worstCost);
    }

    private Reservation embeddings(TeamConfig team, EmbeddingRequest request) {
        ModelConfig model = catalog.resolveEmbedding(team, request.model());
        long input = 0;
        List<String> texts = request.textInputs();
        if (texts.isEmpty()) {
            input = request.input().size() * 2048L;   // token arrays: at most a model's context per input
        } else {
            for (String text : texts) {
                input += tokens.text(text);
            }
        }
        input = withMargin(input);
        return new Reservation(input, nanos(input, 0, model.pricing()));
    }

    /** An alias's first tier, so that the plan covers every tier (escalation adds the stronger ones). */
    private String weakestTier(TeamConfig team, ChatRequest chat) {
        AliasConfig alias = catalog.alias(team, chat.model());
        return alias == null || alias.tiers().isEmpty() ? null : alias.tiers().keySet().iterator().next();
    }

    private static long withMargin(long input) {
        return (long) Math.ceil(input * INPUT_MARGIN) + INPUT_SLACK;
    }

    private static long nanos(long input, long output, Pricing pricing) {
        return pricing == null ? 0 : Costs.toNanos(Costs.usd(TokenCounts.estimated(input, output), pricing));
    }
}
