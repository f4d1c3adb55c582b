package dev.tiergate.core.accounting;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/** The windows of the limits: fixed UTC minutes for rates, UTC calendar months for budgets. */
public final class LimitWindows {
    private LimitWindows() {
    }

    /** Minutes since the epoch. */
    public static long minute(Instant time) {
        return Math.floorDiv(time.getEpochSecond(), 60);
    }

    public static YearMonth month(Instant time) {
        return YearMonth.from(time.atOffset(ZoneOffset.UTC));
    }

    /** Whole seconds until the next minute starts, at least 1. */
    public static long secondsToNextMinute(Instant time) {
        return Math.max(1, 60 - Math.floorMod(time.getEpochSecond(), 60));
    }

    public static Instant nextMonthStart(Instant time) {
        return month(time).plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }
}
