package dev.tiergate.core.accounting;

import static java.util.Objects.requireNonNull;

/**
 * What a set of limits applies to: a team, or one key of a team. {@code id} names its counters
 * ({@code team:<team>} or {@code key:<team>/<key id>}); {@code label} names it in messages.
 */
public record LimitScope(String id, String label, Limits limits) {
    public LimitScope {
        requireNonNull(id, "id");
        requireNonNull(label, "label");
        requireNonNull(limits, "limits");
    }

    public static LimitScope team(String teamId, Limits limits) {
        return new LimitScope(teamScopeId(teamId), "team '" + teamId + "'", limits);
    }

    public static LimitScope key(String teamId, String keyId, Limits limits) {
        return new LimitScope(keyScopeId(teamId, keyId), "key '" + keyId + "' of team '" + teamId + "'", limits);
    }

    public static String teamScopeId(String teamId) {
        return "team:" + teamId;
    }

    public static String keyScopeId(String teamId, String keyId) {
        return "key:" + teamId + "/" + keyId;
    }
}
