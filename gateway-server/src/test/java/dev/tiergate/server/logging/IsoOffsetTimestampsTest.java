package dev.tiergate.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The text is DateTimeFormatter.ISO_OFFSET_DATE_TIME's in the zone, whatever the fraction, second or offset. */
class IsoOffsetTimestampsTest {
    @Test
    void isTheIsoOffsetDateTimeTextOfTheInstantInTheZone() {
        Random random = new Random(11);
        for (String zone : new String[] {"UTC", "Europe/Paris", "Asia/Kolkata", "America/St_Johns", "Africa/Monrovia"}) {
            ZoneId id = ZoneId.of(zone);
            IsoOffsetTimestamps timestamps = new IsoOffsetTimestamps(id);
            long second = random.nextLong(-2_000_000_000L, 4_000_000_000L);
            for (int i = 0; i < 3_000; i++) {
                second += random.nextInt(3) == 0 ? random.nextInt(100_000) : 0;
                int nanos = switch (random.nextInt(5)) {
                    case 0 -> 0;
                    case 1 -> random.nextInt(1000) * 1_000_000;
                    case 2 -> random.nextInt(10) * 100_000_000;
                    case 3 -> random.nextInt(1000);
                    default -> random.nextInt(1_000_000_000);
                };
                Instant at = Instant.ofEpochSecond(second, nanos);
                assertThat(timestamps.format(at)).as("%s in %s", at, zone)
                        .isEqualTo(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(at.atZone(id)));
            }
        }
    }
}
