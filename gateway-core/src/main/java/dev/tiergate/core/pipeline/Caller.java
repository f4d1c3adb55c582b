package dev.tiergate.core.pipeline;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.TeamConfig;

/** The authenticated caller: its team and the id (never the secret) of the key it used. */
public record Caller(TeamConfig team, String keyId) {
    public Caller {
        requireNonNull(team, "team");
        requireNonNull(keyId, "keyId");
    }

    public String teamId() {
        return team.id();
    }
}
