package dev.tiergate.core.config;

import dev.tiergate.core.resilience.RetryPolicy;
import java.util.List;

/**
 * A model clients may name, under {@code models:}: served by {@code provider} as
 * {@code upstreamModel}. {@code kind} is {@code chat} or {@code embedding}.
 *
 * <p>{@code deployments} are the places that serve it, picked by weight (a model with a single
 * {@code provider} has one, made from it; with several, {@code provider} and {@code upstreamModel}
 * are the first one's). {@code fallbacks} name the models tried in turn when this one fails;
 * {@code retry} overrides the gateway's retry policy for this model (null: the gateway's).
 */
public record ModelConfig(String name, String provider, String upstreamModel, String kind, Pricing pricing,
                          List<DeploymentConfig> deployments, List<String> fallbacks, RetryPolicy retry,
                          int maxOutputTokens) {
    public static final String CHAT = "chat";
    public static final String EMBEDDING = "embedding";
    /**
     * The output tokens a request that sets no {@code max_tokens} is reserved for against budgets
     * and token limits, unless the model sets {@code max-output-tokens}.
     */
    public static final int DEFAULT_MAX_OUTPUT_TOKENS = 4096;

    public ModelConfig {
        if (deployments == null || deployments.isEmpty()) {
            deployments = provider == null ? List.of()
                    : List.of(new DeploymentConfig(provider, upstreamModel != null ? upstreamModel : name, 1));
        } else {
            deployments = List.copyOf(deployments);
            if (provider == null) {
                provider = deployments.getFirst().provider();
                upstreamModel = deployments.getFirst().upstreamModel();
            }
        }
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
        if (maxOutputTokens < 0) {
            throw new IllegalArgumentException("max-output-tokens: " + maxOutputTokens + " (expected: >= 0)");
        }
        if (maxOutputTokens == 0) {
            maxOutputTokens = DEFAULT_MAX_OUTPUT_TOKENS;
        }
    }

    /** With the default output cap. */
    public ModelConfig(String name, String provider, String upstreamModel, String kind, Pricing pricing,
                       List<DeploymentConfig> deployments, List<String> fallbacks, RetryPolicy retry) {
        this(name, provider, upstreamModel, kind, pricing, deployments, fallbacks, retry, 0);
    }

    /** A model with one provider, no fallbacks and the gateway's retry policy. */
    public ModelConfig(String name, String provider, String upstreamModel, String kind, Pricing pricing) {
        this(name, provider, upstreamModel, kind, pricing, null, null, null);
    }

    /** Several deployments picked by weight; the first names {@link #provider()}. */
    public static ModelConfig ofDeployments(String name, String kind, Pricing pricing, List<DeploymentConfig> deployments) {
        return new ModelConfig(name, null, null, kind, pricing, deployments, null, null);
    }

    public boolean isEmbedding() {
        return EMBEDDING.equals(kind);
    }

    public ModelConfig withFallbacks(List<String> newFallbacks) {
        return new ModelConfig(name, provider, upstreamModel, kind, pricing, deployments, newFallbacks, retry,
                maxOutputTokens);
    }

    public ModelConfig withRetry(RetryPolicy newRetry) {
        return new ModelConfig(name, provider, upstreamModel, kind, pricing, deployments, fallbacks, newRetry,
                maxOutputTokens);
    }

    /** This model as served by one of its deployments: what an adapter is handed. */
    public ModelConfig forDeployment(DeploymentConfig deployment) {
        return new ModelConfig(name, deployment.provider(), deployment.upstreamModel(), kind, pricing,
                List.of(deployment), fallbacks, retry, maxOutputTokens);
    }
}
