package dev.tiergate.core.config;

/** A virtual API key of a team: an id for logs and the SHA-256 (hex) of the secret. */
public record ApiKeyConfig(String id, String sha256) {
}
