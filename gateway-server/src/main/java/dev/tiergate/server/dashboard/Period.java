package dev.tiergate.server.dashboard;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.accounting.UsageQuery;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** The UTC days a view covers, {@code from} to {@code to} inclusive: the last {@code days} up to today. */
public record Period(LocalDate from, LocalDate to) {
    public static final int DEFAULT_DAYS = 14;
    public static final int MAX_DAYS = 90;

    public Period {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to " + to + " is before from " + from);
        }
    }

    /** The last {@code days} days up to {@code today}, inclusive. */
    public static Period lastDays(int days, LocalDate today) {
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("days: " + days + " (expected: 1 to " + MAX_DAYS + ")");
        }
        return new Period(today.minusDays(days - 1L), today);
    }

    /** Every day of the period, oldest first. */
    public List<LocalDate> days() {
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            days.add(day);
        }
        return days;
    }

    /** The usage query of every team over the period. */
    public UsageQuery query() {
        return new UsageQuery(from, to, null);
    }
}
