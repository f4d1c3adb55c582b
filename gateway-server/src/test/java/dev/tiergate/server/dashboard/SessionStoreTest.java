package dev.tiergate.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionStoreTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-02T10:00:00Z"));

    @Test
    void aSessionIsFoundByItsTokenUntilItExpiresOrIsClosed() {
        SessionStore store = new SessionStore(clock);
        SessionStore.Login login = store.open("ops");
        assertThat(login.token()).matches("[A-Za-z0-9_-]{43}");
        assertThat(login.toString()).doesNotContain(login.token());
        assertThat(store.find(login.token())).isEqualTo(new Session("ops", Instant.parse("2026-12-02T18:00:00Z")));
        assertThat(store.find(login.token() + "x")).isNull();
        assertThat(store.find(null)).isNull();

        clock.advance(Duration.ofHours(8).minusSeconds(1));
        assertThat(store.find(login.token())).isNotNull();
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.find(login.token())).as("expired").isNull();
        assertThat(store.size()).isZero();

        SessionStore.Login second = store.open("ops");
        assertThat(second.token()).isNotEqualTo(login.token());
        assertThat(store.close(second.token())).isNotNull();
        assertThat(store.find(second.token())).isNull();
        assertThat(store.close(second.token())).isNull();
    }

    @Test
    void beyondItsCapacityTheOldestSessionsAreDropped() {
        SessionStore store = new SessionStore(clock, Duration.ofHours(8), 3);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tokens.add(store.open("admin-" + i).token());
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(store.size()).isEqualTo(3);
        assertThat(store.find(tokens.get(0))).isNull();
        assertThat(store.find(tokens.get(1))).isNull();
        assertThat(store.find(tokens.get(2)).admin()).isEqualTo("admin-2");
        assertThat(store.find(tokens.get(4)).admin()).isEqualTo("admin-4");
    }
}
