package dev.tiergate.router.policy;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.routing.RouteCause;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.router.classifier.Classification;
import dev.tiergate.router.classifier.ComplexityTier;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a classification, the gates and a team's policy into a tier of an alias. In order: the
 * team's pinned tier, else the score against the thresholds (or the alias's default tier when
 * nothing was classified), then the gates, then the team's minimum; the gates and the minimum only
 * ever raise the tier. The cause names the last step that set the tier.
 */
public final class TierPolicy {

    private TierPolicy() {
    }

    /**
     * @param classification the classifier's output, or null when there is none (a fallback)
     * @param defaults       the thresholds used when the policy has none
     */
    public static RouteDecision decide(TeamRoutingPolicy policy, Thresholds defaults, Classification classification,
                                       Gates.Result gates, String aliasName, AliasConfig alias) {
        ComplexityTier tier;
        RouteCause cause;
        List<String> fired = List.of();
        if (policy.pinnedTier() != null) {
            tier = policy.pinnedTier();
            cause = RouteCause.TEAM_OVERRIDE;
        } else {
            if (classification != null) {
                Thresholds thresholds = policy.thresholds() != null ? policy.thresholds() : defaults;
                tier = thresholds.tierFor(classification.score());
                cause = RouteCause.CLASSIFIER;
            } else {
                tier = levelOf(alias, alias.defaultTier());
                cause = RouteCause.FALLBACK;
            }
            ComplexityTier gated = gates.apply(tier);
            if (gated != tier) {
                tier = gated;
                cause = RouteCause.GATE;
                fired = gates.fired();
            }
            if (policy.minimumTier() != null && policy.minimumTier().ordinal() > tier.ordinal()) {
                tier = policy.minimumTier();
                cause = RouteCause.TEAM_OVERRIDE;
            }
        }
        return decision(aliasName, alias, tier, classification, cause, fired);
    }

    /**
     * Where a cascade starts ({@link RoutingMode#CASCADE}): the alias's cheapest tier, raised by the
     * gates and the team's minimum only; the cause is {@code cascade}, and nothing is classified.
     */
    public static RouteDecision cascadeStart(TeamRoutingPolicy policy, Gates.Result gates, String aliasName,
                                             AliasConfig alias) {
        ComplexityTier tier = gates.apply(ComplexityTier.SMALL);
        if (policy.minimumTier() != null) {
            tier = tier.atLeast(policy.minimumTier());
        }
        return decision(aliasName, alias, tier, null, RouteCause.CASCADE, gates.fired());
    }

    private static RouteDecision decision(String aliasName, AliasConfig alias, ComplexityTier tier,
                                          Classification classification, RouteCause cause, List<String> fired) {
        String tierName = tierOf(alias, tier);
        List<String> models = alias.tiers().get(tierName);
        String model = models == null || models.isEmpty() ? null : models.getFirst();
        return new RouteDecision(aliasName, tierName, model,
                classification == null ? null : classification.score(), cause,
                classification == null ? null : classification.byTier(), fired);
    }

    /**
     * The alias tier that serves a wanted level: the tier of that name; else the next stronger one
     * the alias has; else, when the alias names none of the levels, the tier at the same relative
     * position; else the alias's strongest tier.
     */
    public static String tierOf(AliasConfig alias, ComplexityTier wanted) {
        List<String> names = new ArrayList<>(alias.tiers().keySet());
        if (names.isEmpty()) {
            throw new IllegalArgumentException("alias '" + alias.name() + "' has no tiers (expected: at least one)");
        }
        boolean namesAnyLevel = false;
        for (ComplexityTier level : ComplexityTier.values()) {
            namesAnyLevel |= names.contains(level.id());
        }
        if (!namesAnyLevel) {
            int top = ComplexityTier.values().length - 1;
            return names.get((int) Math.round((double) wanted.ordinal() * (names.size() - 1) / top));
        }
        for (int i = wanted.ordinal(); i < ComplexityTier.values().length; i++) {
            String id = ComplexityTier.values()[i].id();
            if (names.contains(id)) {
                return id;
            }
        }
        return names.getLast();
    }

    /** The level of an alias tier: by name, or by its relative position in the alias. */
    static ComplexityTier levelOf(AliasConfig alias, String tierName) {
        for (ComplexityTier level : ComplexityTier.values()) {
            if (level.id().equals(tierName)) {
                return level;
            }
        }
        List<String> names = new ArrayList<>(alias.tiers().keySet());
        int index = Math.max(0, names.indexOf(tierName));
        int top = ComplexityTier.values().length - 1;
        int level = names.size() <= 1 ? 0 : (int) Math.round((double) index * top / (names.size() - 1));
        return ComplexityTier.values()[level];
    }
}
