package dev.tiergate.core.provider;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.NotFoundError;
import dev.tiergate.core.model.ModelInfo;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Answers "which concrete model serves this name for this team", from the config. */
public final class ModelCatalog {
    private final GatewayConfig config;

    public ModelCatalog(GatewayConfig config) {
        this.config = config;
    }

    /** The alias this team sees under {@code name}, or null when the name is not an alias. */
    public AliasConfig alias(TeamConfig team, String name) {
        AliasConfig own = team.aliases().get(name);
        return own != null ? own : config.aliases().get(name);
    }

    /**
     * Resolves a requested chat model. For an alias, {@code tier} (null: the alias's default)
     * picks the tier, whose first configured model answers.
     */
    public Resolution resolveChat(TeamConfig team, String requested, String tier) {
        if (!team.allows(requested)) {
            throw notFound(requested);
        }
        AliasConfig alias = alias(team, requested);
        if (alias != null) {
            String chosenTier = tier != null && alias.tiers().containsKey(tier) ? tier : alias.defaultTier();
            List<ModelConfig> candidates = new ArrayList<>();
            for (String name : alias.tiers().get(chosenTier)) {
                ModelConfig model = config.models().get(name);
                if (model != null) {
                    candidates.add(model);
                }
            }
            if (candidates.isEmpty()) {
                throw new NotFoundError("alias '" + requested + "' has no available model in tier '"
                        + chosenTier + "'", "model_not_found", "model");
            }
            return new Resolution(candidates, chosenTier);
        }
        ModelConfig model = config.models().get(requested);
        if (model == null) {
            throw notFound(requested);
        }
        if (model.isEmbedding()) {
            throw new InvalidRequestError("model '" + requested + "' is an embedding model (expected: a chat model)",
                    "model_not_supported", "model");
        }
        return new Resolution(List.of(model), null);
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

    /** The models and aliases a team may name, its default first. */
    public List<ModelInfo> visibleModels(TeamConfig team) {
        Set<String> names = new LinkedHashSet<>();
        if (team.defaultModel() != null) {
            names.add(team.defaultModel());
        }
        team.aliases().keySet().stream().sorted().forEach(names::add);
        config.aliases().keySet().stream().sorted().forEach(names::add);
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

    /** The models to try in order, and the tier they came from (null for a concrete model). */
    public record Resolution(List<ModelConfig> candidates, String tier) {
        public Resolution {
            candidates = List.copyOf(candidates);
        }
    }
}
