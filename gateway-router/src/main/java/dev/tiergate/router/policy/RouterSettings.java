package dev.tiergate.router.policy;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The router's settings: a default policy and a policy per team id. A team without an entry uses
 * the default; to override only some keys for a team, start from
 * {@code defaultPolicy().toBuilder()}.
 */
public record RouterSettings(TeamRoutingPolicy defaultPolicy, Map<String, TeamRoutingPolicy> teams) {

    public RouterSettings {
        requireNonNull(defaultPolicy, "defaultPolicy");
        teams = Map.copyOf(teams);
    }

    /** Every team on the default policy. */
    public static RouterSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public TeamRoutingPolicy policyFor(String teamId) {
        return teams.getOrDefault(teamId, defaultPolicy);
    }

    /** Builds {@link RouterSettings}. */
    public static final class Builder {
        private TeamRoutingPolicy defaultPolicy = TeamRoutingPolicy.defaults();
        private final Map<String, TeamRoutingPolicy> teams = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder defaultPolicy(TeamRoutingPolicy policy) {
            this.defaultPolicy = requireNonNull(policy, "policy");
            return this;
        }

        public Builder team(String teamId, TeamRoutingPolicy policy) {
            requireNonNull(teamId, "teamId");
            requireNonNull(policy, "policy");
            if (teams.putIfAbsent(teamId, policy) != null) {
                throw new IllegalArgumentException("team '" + teamId + "' has a router policy already");
            }
            return this;
        }

        public RouterSettings build() {
            return new RouterSettings(defaultPolicy, teams);
        }
    }
}
