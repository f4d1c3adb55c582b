package dev.tiergate.router.policy;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.router.classifier.ComplexityTier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How the router treats one team's requests (YAML {@code router:} in gateway.yaml, overridden per
 * team). Build one with {@link #builder()}, or {@link #toBuilder()} to override a default.
 *
 * @param enabled        whether the team's requests are routed at all
 * @param thresholds     the team's thresholds on the complexity score; null for the classifier's
 *                       recommended ones
 * @param routedAliases  the alias names routed; null for the default: {@code auto} and every alias
 *                       the team defines itself
 * @param routedModels   concrete model names the team routes anyway, each to the alias whose tiers
 *                       apply (the request then names that alias); a concrete model not listed here
 *                       passes through untouched
 * @param gates          which request features force at least {@code mid}
 * @param pinnedTier     a tier used for every routed request, whatever the classifier says; null for none
 * @param minimumTier    a floor under every routed request; null for none
 * @param mode           how the tier is picked: the classifier, or a cascade from the cheapest tier
 * @param cascade        how a cascade checks answers (used in {@link RoutingMode#CASCADE})
 */
public record TeamRoutingPolicy(
        boolean enabled,
        Thresholds thresholds,
        Set<String> routedAliases,
        Map<String, String> routedModels,
        GateSettings gates,
        ComplexityTier pinnedTier,
        ComplexityTier minimumTier,
        RoutingMode mode,
        CascadeSettings cascade) {

    /** The alias routed by default, besides the team's own aliases. */
    public static final String AUTO = "auto";

    public TeamRoutingPolicy {
        routedAliases = routedAliases == null ? null : Set.copyOf(routedAliases);
        routedModels = routedModels == null ? Map.of() : Map.copyOf(routedModels);
        requireNonNull(gates, "gates");
        requireNonNull(mode, "mode");
        requireNonNull(cascade, "cascade");
    }

    /** Routing on, the classifier's thresholds, default routed names, every gate on. */
    public static TeamRoutingPolicy defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.enabled = enabled;
        b.thresholds = thresholds;
        b.routedAliases = routedAliases;
        b.routedModels = new LinkedHashMap<>(routedModels);
        b.gates = gates;
        b.pinnedTier = pinnedTier;
        b.minimumTier = minimumTier;
        b.mode = mode;
        b.cascade = cascade;
        return b;
    }

    /**
     * Whether a request of this team cascades: the team's mode is {@code cascade}, no tier is
     * pinned, and the request is not streamed unless the team buffers streams.
     */
    public boolean cascades(boolean stream) {
        return mode == RoutingMode.CASCADE && pinnedTier == null && (!stream || cascade.bufferedStreams());
    }

    /**
     * The alias a request for {@code requested} is routed through, or null when it passes through.
     *
     * @param isAlias whether {@code requested} names an alias the team can see
     */
    public String routeVia(TeamConfig team, String requested, boolean isAlias) {
        if (!enabled || requested == null) {
            return null;
        }
        String viaAlias = routedModels.get(requested);
        if (viaAlias != null) {
            return viaAlias;
        }
        if (!isAlias) {
            return null;
        }
        if (routedAliases != null) {
            return routedAliases.stream().anyMatch(name -> AliasConfig.nameMatches(name, requested)) ? requested : null;
        }
        return AUTO.equals(requested) || team.aliases().containsKey(requested)
                || AliasConfig.matching(team.aliases(), requested) != null ? requested : null;
    }

    /** Builds a {@link TeamRoutingPolicy}; setters validate at once. */
    public static final class Builder {
        private boolean enabled = true;
        private Thresholds thresholds;
        private Set<String> routedAliases;
        private Map<String, String> routedModels = new LinkedHashMap<>();
        private GateSettings gates = GateSettings.defaults();
        private ComplexityTier pinnedTier;
        private ComplexityTier minimumTier;
        private RoutingMode mode = RoutingMode.CLASSIFIER;
        private CascadeSettings cascade = CascadeSettings.defaults();

        private Builder() {
        }

        public Builder enabled(boolean on) {
            this.enabled = on;
            return this;
        }

        /** YAML {@code thresholds: {mid: .., frontier: ..}}. */
        public Builder thresholds(double mid, double frontier) {
            return thresholds(Thresholds.of(mid, frontier));
        }

        /** Null for the classifier's recommended thresholds. */
        public Builder thresholds(Thresholds newThresholds) {
            this.thresholds = newThresholds;
            return this;
        }

        /** YAML {@code route: [auto, cheap]}: exactly these aliases are routed; null for the default. */
        public Builder routedAliases(Set<String> names) {
            if (names != null) {
                names.forEach(name -> requireNonNull(name, "routed alias"));
            }
            this.routedAliases = names == null ? null : Set.copyOf(names);
            return this;
        }

        /** YAML {@code route-models: {gpt-4o: auto}}: route a concrete model through an alias's tiers. */
        public Builder routeModel(String model, String viaAlias) {
            requireNonNull(model, "model");
            requireNonNull(viaAlias, "viaAlias");
            if (model.equals(viaAlias)) {
                throw new IllegalArgumentException("route-models." + model + ": '" + viaAlias
                        + "' (expected: an alias other than the model itself)");
            }
            routedModels.put(model, viaAlias);
            return this;
        }

        public Builder gates(GateSettings newGates) {
            this.gates = requireNonNull(newGates, "gates");
            return this;
        }

        /** YAML {@code pin-tier}; null for none. */
        public Builder pinnedTier(ComplexityTier tier) {
            this.pinnedTier = tier;
            return this;
        }

        /** YAML {@code min-tier}; null for none. */
        public Builder minimumTier(ComplexityTier tier) {
            this.minimumTier = tier;
            return this;
        }

        /** YAML {@code mode}. */
        public Builder mode(RoutingMode newMode) {
            this.mode = requireNonNull(newMode, "mode");
            return this;
        }

        /** YAML {@code cascade-*}. */
        public Builder cascade(CascadeSettings settings) {
            this.cascade = requireNonNull(settings, "cascade");
            return this;
        }

        public TeamRoutingPolicy build() {
            return new TeamRoutingPolicy(enabled, thresholds, routedAliases, routedModels, gates, pinnedTier,
                    minimumTier, mode, cascade);
        }
    }
}
