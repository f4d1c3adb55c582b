package dev.tiergate.core.accounting;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;

/** Which totals to report: UTC days {@code from} to {@code to} inclusive, one team or all (null). */
public record UsageQuery(LocalDate from, LocalDate to, String team) {
    public static final int MAX_DAYS = 366;

    public UsageQuery {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to " + to + " is before from " + from);
        }
    }

    public boolean matches(UsageKey key) {
        return !key.day().isBefore(from) && !key.day().isAfter(to) && (team == null || team.equals(key.team()));
    }
}
