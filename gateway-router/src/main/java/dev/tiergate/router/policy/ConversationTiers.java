package dev.tiergate.router.policy;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.Pricing;
import dev.tiergate.core.routing.RouteCause;
import dev.tiergate.core.routing.RouteDecision;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Weighs a tier switch in the middle of a conversation against the provider prompt cache it loses.
 * It remembers, per team, alias and conversation fingerprint, the tier and model of the last turn
 * and its prompt tokens, for as long as a provider keeps a prompt cached ({@link #CACHE_LIFETIME}).
 * When the router picks a cheaper tier than the last turn's, the conversation stays on the last
 * turn's tier if the cache discount it would lose is worth more than the switch saves, on the input:
 * <pre>
 *   lost  = cached × (input price − cached-input price)   of the last turn's model
 *   saved = prompt × (input price − input price of the cheaper model)
 * </pre>
 * where {@code cached} is the last turn's prompt (at most the new prompt): what the provider holds.
 * Output prices and the new model's cache writes are left out: the first favours switching, the
 * second staying, and only a downgrade is ever held back, so quality never drops for it. A switch
 * to a stronger tier always goes through. Thread-safe; holds at most {@code capacity} conversations
 * (least recently used dropped first, and a turn older than {@link #CACHE_LIFETIME} as a new one
 * comes in); {@link #BYTES_PER_TURN} is what one costs the heap, for sizing the capacity to a share
 * of it.
 */
public final class ConversationTiers {
    /** How long providers keep an unused prompt prefix (Anthropic's default, OpenAI's usual). */
    public static final Duration CACHE_LIFETIME = Duration.ofMinutes(5);
    public static final int DEFAULT_CAPACITY = 100_000;
    /**
     * About what one remembered conversation costs the heap (its key of team, alias and a 32-character
     * fingerprint, the entry and the turn), rounded up; {@code ConversationTiersTest} measures it.
     */
    public static final long BYTES_PER_TURN = 224;

    private final Clock clock;
    private final Function<String, Pricing> prices;
    private final Map<String, Turn> turns;

    /** The last turn of a conversation: its tier and model, its prompt tokens, when it was routed. */
    private record Turn(String tier, String model, long promptTokens, long atMillis) {
        boolean expiredAt(long nowMillis) {
            return atMillis + CACHE_LIFETIME.toMillis() < nowMillis;
        }
    }

    /** {@code prices}: the price of a configured model, null when it has none. */
    public ConversationTiers(Clock clock, Function<String, Pricing> prices, int capacity) {
        this.clock = requireNonNull(clock, "clock");
        this.prices = requireNonNull(prices, "prices");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.turns = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Turn> eldest) {
                return size() > capacity || eldest.getValue().expiredAt(clock.millis());
            }
        };
    }

    /**
     * The decision for this turn: {@code decision}, or the last turn's tier with cause
     * {@link RouteCause#PROMPT_CACHE} when switching down would lose more cache discount than it
     * saves. Only a decision of the classifier (or its fallback) is weighed; gates, pinned tiers,
     * cascades and the learning router's choices are left alone. Null {@code conversation}: none.
     */
    public RouteDecision weigh(String team, String conversation, AliasConfig alias, RouteDecision decision,
                               long promptTokens) {
        if (conversation == null || (decision.cause() != RouteCause.CLASSIFIER && decision.cause() != RouteCause.FALLBACK)) {
            return decision;
        }
        Turn last;
        synchronized (turns) {
            last = turns.get(key(team, conversation, decision.alias()));
        }
        if (last == null || last.expiredAt(clock.millis()) || last.tier().equals(decision.tier())
                || !stronger(alias, last.tier(), decision.tier()) || !cacheWorthMore(last, decision.model(), promptTokens)) {
            return decision;
        }
        return new RouteDecision(decision.alias(), last.tier(), last.model(), decision.score(), RouteCause.PROMPT_CACHE,
                decision.probabilities(), decision.gates());
    }

    /** Remembers the tier this turn of the conversation was routed to. */
    public void remember(String team, String conversation, RouteDecision decision, long promptTokens) {
        if (conversation == null || decision.model() == null) {
            return;
        }
        synchronized (turns) {
            turns.put(key(team, conversation, decision.alias()),
                    new Turn(decision.tier(), decision.model(), promptTokens, clock.millis()));
        }
    }

    /** The conversations held now. */
    int size() {
        synchronized (turns) {
            return turns.size();
        }
    }

    private boolean cacheWorthMore(Turn last, String cheaperModel, long promptTokens) {
        Pricing held = prices.apply(last.model());
        Pricing cheaper = cheaperModel == null ? null : prices.apply(cheaperModel);
        if (held == null || cheaper == null) {
            return false;
        }
        BigDecimal lost = BigDecimal.valueOf(Math.min(last.promptTokens(), promptTokens))
                .multiply(held.inputPerMillion().subtract(held.cachedInputPerMillion()));
        BigDecimal saved = BigDecimal.valueOf(promptTokens)
                .multiply(held.inputPerMillion().subtract(cheaper.inputPerMillion()));
        return lost.compareTo(saved) > 0;
    }

    /** Whether {@code tier} comes after {@code than} in the alias's tiers (cheapest first). */
    private static boolean stronger(AliasConfig alias, String tier, String than) {
        List<String> order = new ArrayList<>(alias.tiers().keySet());
        return order.indexOf(tier) > order.indexOf(than) && order.indexOf(than) >= 0;
    }

    private static String key(String team, String conversation, String alias) {
        return team + '\u0000' + alias + '\u0000' + conversation;
    }
}
