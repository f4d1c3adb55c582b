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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

/**
 * The worst case of a request, reserved against its limits before it goes upstream: its input
 * tokens (counted here, with a margin for providers whose tokenizer counts more) plus its output
 * cap ({@code max_completion_tokens}, else {@code max_tokens}, else the model's
 * {@code max-output-tokens}; times {@code n}), priced at the dearest model that may answer it: the
 * model and its fallbacks, and for an alias every model of every tier (the router, escalation and
 * fallbacks may pick any). A team whose alias requests cascade ({@code router.mode: cascade}) may
 * pay one answer of every tier for one request (the set-aside answers are billed), so its alias
 * requests reserve the sum of each tier's worst case. Embeddings: their input at the model's input
 * price.
 */
final class Reservations {
    /** Tokenizers differ between providers: reserve a tenth more input than o200k counts, and 16 tokens. */
    static final double INPUT_MARGIN = 1.10;
    static final int INPUT_SLACK = 16;

    /** Requests with more text than this are counted on {@code counting}, not on the event loop. */
    static final int INLINE_CHARS = 16_384;

    private final ModelCatalog catalog;
    private final TokenCounter tokens;
    private final Executor counting;
    private final Predicate<String> cascades;

    /**
     * {@code counting}: a bounded executor for long texts (tokenizing a megabyte takes long);
     * {@code cascades}: whether a team (by id) starts its alias requests on a cascade.
     */
    Reservations(ModelCatalog catalog, TokenCounter tokens, Executor counting, Predicate<String> cascades) {
        this.catalog = requireNonNull(catalog, "catalog");
        this.tokens = requireNonNull(tokens, "tokens");
        this.counting = requireNonNull(counting, "counting");
        this.cascades = requireNonNull(cascades, "cascades");
    }

    /**
     * What a request may cost: its worst case, and for an alias request the worst case if its
     * cheapest tier alone served it (what a team that degrades past its soft budget is held to).
     * The text is counted once, at once for a short request, off the event loop for a long one.
     */
    record Estimate(Reservation worst, TierReservation cheapest) {
    }

    CompletionStage<Estimate> of(Exchange exchange) {
        if (chars(exchange) <= INLINE_CHARS) {
            return CompletableFuture.completedFuture(now(exchange, tokens));
        }
        try {
            return CompletableFuture.supplyAsync(() -> now(exchange, tokens), counting);
        } catch (RejectedExecutionException e) {
            // Too many long requests being counted: reserve by UTF-8 bytes, which no token count exceeds.
            return CompletableFuture.completedFuture(now(exchange, UTF8_BYTES));
        }
    }

    /** A counter that never counts fewer tokens than a tokenizer would: every token is at least one byte. */
    static final TokenCounter UTF8_BYTES = new TokenCounter() {
        @Override
        public String encoding() {
            return "utf-8 bytes (an upper bound)";
        }

        @Override
        public int text(CharSequence text) {
            return text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }

        @Override
        public int prompt(ChatRequest request) {
            int bytes = 0;
            for (var message : request.messages()) {
                bytes += text(message.text()) + 8;
            }
            return bytes + (request.tools() == null ? 0 : text(request.tools().toString()));
        }
    };

    private Estimate now(Exchange exchange, TokenCounter counter) {
        TeamConfig team = exchange.caller().team();
        return switch (exchange.request()) {
            case ChatRequest chat -> chat(exchange, team, chat, counter);
            case EmbeddingRequest embeddings -> new Estimate(embeddings(team, embeddings, counter), null);
        };
    }

    static long chars(Exchange exchange) {
        return switch (exchange.request()) {
            case ChatRequest chat -> chat.messages().stream().mapToLong(m -> m.text().length()).sum();
            case EmbeddingRequest embeddings -> embeddings.textInputs().stream().mapToLong(String::length).sum();
        };
    }

    /** An alias request held to its cheapest tier, and what that costs at the most. */
    record TierReservation(String tier, Reservation reservation) {
    }

    /**
     * The worst case over every model that may answer (for an alias, from its first tier, so that
     * escalation adds every stronger one), and for an alias the worst case of its first (cheapest)
     * tier alone, without escalation.
     */
    private Estimate chat(Exchange exchange, TeamConfig team, ChatRequest chat, TokenCounter counter) {
        long counted = counter.prompt(chat);
        if (counter == tokens) {
            exchange.facts().promptTokens().setIfAbsent(counted);
        }
        long input = withMargin(counted);
        String tier = weakestTier(team, chat);
        List<ModelCatalog.Candidate> candidates = catalog.resolveChat(team, chat.model(), tier).candidates();
        if (tier == null) {
            return new Estimate(worstOf(chat, input, candidates), null);
        }
        Reservation worst = cascades.test(team.id()) ? everyTier(chat, input, candidates)
                : worstOf(chat, input, candidates);
        List<ModelCatalog.Candidate> inTier = candidates.stream().filter(c -> tier.equals(c.tier())).toList();
        return new Estimate(worst, inTier.isEmpty() ? null
                : new TierReservation(tier, worstOf(chat, input, inTier)));
    }

    private static Reservation worstOf(ChatRequest chat, long input, List<ModelCatalog.Candidate> candidates) {
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

    /** One answer of every tier: the sum over the tiers of each tier's worst case (a cascade's worst). */
    private static Reservation everyTier(ChatRequest chat, long input, List<ModelCatalog.Candidate> candidates) {
        Map<String, List<ModelCatalog.Candidate>> byTier = new LinkedHashMap<>();
        for (ModelCatalog.Candidate candidate : candidates) {
            byTier.computeIfAbsent(String.valueOf(candidate.tier()), t -> new ArrayList<>()).add(candidate);
        }
        long tokens = 0;
        long cost = 0;
        for (List<ModelCatalog.Candidate> tier : byTier.values()) {
            Reservation worst = worstOf(chat, input, tier);
            tokens += worst.tokens();
            cost += worst.costNanos();
        }
        return new Reservation(tokens, cost);
    }

    private Reservation embeddings(TeamConfig team, EmbeddingRequest request, TokenCounter counter) {
        ModelConfig model = catalog.resolveEmbedding(team, request.model());
        long input = 0;
        List<String> texts = request.textInputs();
        if (texts.isEmpty()) {
            input = request.input().size() * 2048L;   // token arrays: at most a model's context per input
        } else {
            for (String text : texts) {
                input += counter.text(text);
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
