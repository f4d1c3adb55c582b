package dev.tiergate.server.health;

import java.util.List;

/** One reason the gateway should get no traffic now (what {@code /readyz} says), or none. */
@FunctionalInterface
public interface Readiness {
    Readiness READY = () -> null;

    /** Why the gateway is not ready, in a few words for an operator; null when it is ready. */
    String notReadyReason();

    /** Ready when every check is; otherwise the reason of the first that is not. */
    static Readiness all(List<Readiness> checks) {
        List<Readiness> all = List.copyOf(checks);
        return () -> {
            for (Readiness check : all) {
                String reason = check.notReadyReason();
                if (reason != null) {
                    return reason;
                }
            }
            return null;
        };
    }
}
