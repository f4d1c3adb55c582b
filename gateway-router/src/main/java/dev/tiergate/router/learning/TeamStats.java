package dev.tiergate.router.learning;

import java.util.HashMap;
import java.util.Map;

/**
 * What a team's rewards add up to: {@link ArmStats} per cell and tier (keyed {@code cell|tier}),
 * how many explicit scores and how many rewards in all were counted.
 */
public record TeamStats(Map<String, ArmStats> arms, long explicit, long rewards) {
    public static final TeamStats EMPTY = new TeamStats(Map.of(), 0, 0);

    public TeamStats {
        arms = Map.copyOf(arms);
    }

    public ArmStats arm(String cell, String tier) {
        return arms.getOrDefault(cell + "|" + tier, ArmStats.EMPTY);
    }

    public TeamStats plus(Reward r) {
        Map<String, ArmStats> next = new HashMap<>(arms);
        next.merge(r.arm(), ArmStats.EMPTY.plus(r), (a, b) -> a.plus(r));
        return new TeamStats(next, explicit + (r.explicit() ? 1 : 0), rewards + 1);
    }
}
