package dev.tiergate.core.provider;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.NotFoundError;
import dev.tiergate.core.model.ModelInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Answers "which concrete model serves this name for this team", from the config. */
public final class ModelCatalog {
    private final GatewayConfig config;

    public ModelCatalog(GatewayConfig config) {
        this.config = config;
    }

    /**
     * The alias this team sees under {@code name}, or null when the name is not an alias: the
     * team's alias of that name, else the gateway's, else (for a name that is not a model) the
     * team's pattern alias that matches it, else the gateway's ({@link AliasConfig#matches}).
     */
    public AliasConfig alias(TeamConfig team, String name) {
        AliasConfig own = team.aliases().get(name);
        if (own != null) {
            return own;
        }
        AliasConfig shared = config.aliases().get(name);
        if (shared != null || name == null || config.models().containsKey(name)) {
            return shared;
        }
        AliasConfig pattern = AliasConfig.matching(team.aliases(), name);
        return pattern != null ? pattern : AliasConfig.matching(config.aliases(), name);
    }

    /** Whether the team may name {@code requested}: itself allowed, or the pattern alias it falls under. */
    private boolean allows(TeamConfig team, String requested, AliasConfig alias) {
        return team.allows(requested) || alias != null && alias.isPattern() && team.allows(alias.name());
    }

    /**
     * Resolves a requested chat model into the models to try, in order: each model followed by its
     * {@code fallbacks} (one level), each model once. For an alias, {@code tier} (null: the alias's
     * default) picks the tier whose models come first; the stronger tiers after it follow
     * (escalation).
     */
    public Resolution resolveChat(TeamConfig team, String requested, String tier) {
        AliasConfig alias = alias(team, requested);
        if (!allows(team, requested, alias)) {
            throw notFound(requested);
        }
        if (alias != null) {
            String chosenTier = tier != null && alias.tiers().containsKey(tier) ? tier : alias.defaultTier();
            Map<String, Candidate> plan = new LinkedHashMap<>();
            boolean reached = false;
            for (Map.Entry<String, List<String>> t : alias.tiers().entrySet()) {
                reached |= t.getKey().equals(chosenTier);
                if (reached) {
                    for (String name : t.getValue()) {
                        addWithFallbacks(plan, config.models().get(name), t.getKey());
                    }
                }
            }
            if (plan.isEmpty()) {
                throw new NotFoundError("alias '" + requested + "' has no available model in tier '"
                        + chosenTier + "'", "model_not_found", "model");
            }
            return new Resolution(List.copyOf(plan.values()), chosenTier);
        }
        ModelConfig model = config.models().get(requested);
        if (model == null) {
            throw notFound(requested);
        }
        if (model.isEmbedding()) {
            throw new InvalidRequestError("model '" + requested + "' is an embedding model (expected: a chat model)",
                    "model_not_supported", "model");
        }
        Map<String, Candidate> plan = new LinkedHashMap<>();
        addWithFallbacks(plan, model, null);
        return new Resolution(List.copyOf(plan.values()), null);
    }

    private void addWithFallbacks(Map<String, Candidate> plan, ModelConfig model, String tier) {
        if (model == null || model.isEmbedding()) {
            return;
        }
        plan.putIfAbsent(model.name(), new Candidate(model, tier));
        for (String name : model.fallbacks()) {
            ModelConfig fallback = config.models().get(name);
            if (fallback != null && !fallback.isEmbedding()) {
                plan.putIfAbsent(name, new Candidate(fallback, tier));
            }
        }
    }

    public ModelConfig resolveEmbedding(TeamConfig team, String requested) {
        ModelConfig model = team.allows(requested) ? config.models().get(requested) : null;
        if (model == null) {
            throw notFound(requested);
        }
        if (!model.isEmbedding()) {
            throw new InvalidRequestError("model '" + requested + "' is a chat model (expected: an embedding model)",
                    "model_not_supported", "model");
        }
        return model;
    }

    /** Whether {@code name} is a model or alias of the config that {@code team} may name. */
    public boolean knows(TeamConfig team, String name) {
        if (name == null) {
            return false;
        }
        AliasConfig alias = alias(team, name);
        return allows(team, name, alias) && (alias != null || config.models().containsKey(name));
    }

    /** The models and aliases a team may name, its default first. */
    public List<ModelInfo> visibleModels(TeamConfig team) {
        Set<String> names = new LinkedHashSet<>();
        if (team.defaultModel() != null) {
            names.add(team.defaultModel());
        }
        team.aliases().keySet().stream().filter(n -> n.indexOf('*') < 0).sorted().forEach(names::add);
        config.aliases().keySet().stream().filter(n -> n.indexOf('*') < 0).sorted().forEach(names::add);
        config.models().keySet().stream().sorted().forEach(names::add);
        List<ModelInfo> out = new ArrayList<>();
        for (String name : names) {
            if (!team.allows(name)) {
                continue;
            }
            ModelConfig model = config.models().get(name);
            out.add(ModelInfo.of(name, model != null ? model.provider() : "tiergate"));
        }
        return out;
    }

    private static NotFoundError notFound(String model) {
        return new NotFoundError("The model '" + model + "' does not exist or you do not have access to it.",
                "model_not_found", "model");
    }

    /** The models to try in order, and the tier chosen first (null for a concrete model). */
    public record Resolution(List<Candidate> candidates, String tier) {
        public Resolution {
            candidates = List.copyOf(candidates);
        }
    }

    /** One model to try, and the alias tier it stands for (null for a concrete model). */
    public record Candidate(ModelConfig model, String tier) {
    }
}
