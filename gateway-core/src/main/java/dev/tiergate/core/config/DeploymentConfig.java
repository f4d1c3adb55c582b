package dev.tiergate.core.config;

import static java.util.Objects.requireNonNull;

/**
 * One deployment of a model under {@code models.<name>.deployments}: the provider that serves it,
 * the name it has there, and its share of the traffic relative to the other deployments.
 */
public record DeploymentConfig(String provider, String upstreamModel, int weight) {
    public DeploymentConfig {
        requireNonNull(provider, "provider");
        requireNonNull(upstreamModel, "upstreamModel");
        if (weight < 1) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
        }
    }
}
