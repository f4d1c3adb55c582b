package dev.tiergate.server.accounting;

import dev.tiergate.core.accounting.LimitScope;
import dev.tiergate.core.config.ApiKeyConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.pipeline.Caller;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The limit scopes of each caller, from the team files: its team's (if limited), then its key's. A
 * key not in the team files (one made through the admin API) gets its team's scope and the limits
 * its caller's team carries for it.
 */
public final class LimitScopes {
    private final Map<String, List<LimitScope>> byKey = new HashMap<>();
    private final Map<String, List<LimitScope>> byTeam = new HashMap<>();

    public LimitScopes(Iterable<TeamConfig> teams) {
        for (TeamConfig team : teams) {
            byTeam.put(team.id(), team.accounting().limits().any()
                    ? List.of(LimitScope.team(team.id(), team.accounting().limits())) : List.of());
            for (ApiKeyConfig key : team.keys()) {
                List<LimitScope> scopes = new ArrayList<>(2);
                if (team.accounting().limits().any()) {
                    scopes.add(LimitScope.team(team.id(), team.accounting().limits()));
                }
                if (team.accounting().keyLimits(key.id()).any()) {
                    scopes.add(LimitScope.key(team.id(), key.id(), team.accounting().keyLimits(key.id())));
                }
                byKey.put(LimitScope.keyScopeId(team.id(), key.id()), List.copyOf(scopes));
            }
        }
    }

    public List<LimitScope> of(Caller caller) {
        List<LimitScope> known = byKey.get(LimitScope.keyScopeId(caller.teamId(), caller.keyId()));
        return known != null ? known : ofUnlisted(caller);
    }

    private List<LimitScope> ofUnlisted(Caller caller) {
        TeamConfig team = caller.team();
        List<LimitScope> scopes = new ArrayList<>(2);
        if (team.accounting().limits().any()) {
            scopes.add(LimitScope.team(team.id(), team.accounting().limits()));
        }
        if (team.accounting().keyLimits(caller.keyId()).any()) {
            scopes.add(LimitScope.key(team.id(), caller.keyId(), team.accounting().keyLimits(caller.keyId())));
        }
        return scopes;
    }

    /**
     * The ids of the limited scopes of a team's key: where its tokens and spend are counted (a key
     * not in the team files: its team's scope only).
     */
    public List<String> ids(String teamId, String keyId) {
        List<LimitScope> scopes = byKey.getOrDefault(LimitScope.keyScopeId(teamId, keyId),
                byTeam.getOrDefault(teamId, List.of()));
        return scopes.stream().map(LimitScope::id).toList();
    }

    public boolean any() {
        return byKey.values().stream().anyMatch(list -> !list.isEmpty());
    }
}
