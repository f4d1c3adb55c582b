package dev.tiergate.core.accounting;

import java.util.List;

/**
 * What a {@link LimitStore} saw: each scope's counters before the request, in the order of the
 * scopes asked about, and the first scope and limit that refused it ({@code -1} and null when
 * the request was admitted and counted).
 */
public record LimitCheck(List<ScopeUsage> usages, int refusedScope, LimitKind refusedBy) {
    public LimitCheck {
        usages = List.copyOf(usages);
    }

    public boolean admitted() {
        return refusedBy == null;
    }
}
