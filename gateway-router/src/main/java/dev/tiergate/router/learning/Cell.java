package dev.tiergate.router.learning;

import static java.util.Objects.requireNonNull;

/**
 * The bandit's context: the alias, the prompt's cluster and the tier the static router chose
 * (which folds in the complexity score against the team's thresholds). Rewards, estimates and
 * learned choices are kept per cell and tier; a team has at most aliases × clusters × tiers cells,
 * so its state is bounded.
 */
public record Cell(String alias, int cluster, String staticTier) {
    public Cell {
        requireNonNull(alias, "alias");
        requireNonNull(staticTier, "staticTier");
    }

    /** {@code alias/c<cluster>.<static tier>}. */
    public String key() {
        return alias + "/c" + cluster + "." + staticTier;
    }

    /** The cell of a {@link #key()}. */
    public static Cell parse(String key) {
        int slash = key.lastIndexOf("/c");
        int dot = key.indexOf('.', slash);
        if (slash < 0 || dot < 0) {
            throw new IllegalArgumentException("cell: '" + key + "' (expected: alias/c<cluster>.<tier>)");
        }
        return new Cell(key.substring(0, slash), Integer.parseInt(key.substring(slash + 2, dot)),
                key.substring(dot + 1));
    }
}
