package dev.tiergate.core.config;

import dev.tiergate.core.accounting.Limits;
import java.util.Map;

/**
 * The accounting settings of a team file: the team's {@code limits}, each key's
 * ({@code keys[].limits}, by key id), {@code log-prompts} (prompt and completion text in the
 * request log; off by default) and {@code baseline-model}, what a request for an alias is
 * compared with when its saving is computed.
 */
public record TeamAccountingConfig(Limits limits, Map<String, Limits> keyLimits, boolean logPrompts,
                                   String baselineModel) {
    public static final TeamAccountingConfig DEFAULTS = new TeamAccountingConfig(Limits.NONE, Map.of(), false, null);

    public TeamAccountingConfig {
        limits = limits == null ? Limits.NONE : limits;
        keyLimits = keyLimits == null ? Map.of() : Map.copyOf(keyLimits);
    }

    public Limits keyLimits(String keyId) {
        return keyLimits.getOrDefault(keyId, Limits.NONE);
    }
}
