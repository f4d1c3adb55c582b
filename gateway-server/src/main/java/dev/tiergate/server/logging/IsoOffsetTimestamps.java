package dev.tiergate.server.logging;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Instants as {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} writes them in one zone
 * ({@code 2026-12-05T16:24:58.74497957Z}: the fraction to the nanosecond without trailing zeros, the
 * zone's offset), as the logstash encoder writes {@code @timestamp}: the text of the whole second is
 * made once a second, the fraction written into it. Not thread-safe (one per encoder's thread).
 */
final class IsoOffsetTimestamps {
    private final ZoneId zone;
    private long second = Long.MIN_VALUE;
    /** The second's text without its fraction, split where the fraction goes. */
    private String dateTime;
    private String offset;

    IsoOffsetTimestamps(ZoneId zone) {
        this.zone = zone;
    }

    String format(Instant instant) {
        if (instant.getEpochSecond() != second) {
            Instant whole = Instant.ofEpochSecond(instant.getEpochSecond());
            String text = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(whole.atZone(zone));
            int split = text.length() - zone.getRules().getOffset(whole).getId().length();
            dateTime = text.substring(0, split);
            offset = text.substring(split);
            second = instant.getEpochSecond();
        }
        int nanos = instant.getNano();
        if (nanos == 0) {
            return dateTime + offset;
        }
        int digits = 9;
        while (nanos % 10 == 0) {
            nanos /= 10;
            digits--;
        }
        StringBuilder text = new StringBuilder(dateTime.length() + 10 + offset.length()).append(dateTime).append('.');
        String fraction = Integer.toString(nanos);
        for (int pad = digits - fraction.length(); pad > 0; pad--) {
            text.append('0');
        }
        return text.append(fraction).append(offset).toString();
    }
}
