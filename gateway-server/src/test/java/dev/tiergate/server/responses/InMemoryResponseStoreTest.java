package dev.tiergate.server.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryResponseStoreTest {
    private final ManualClock clock = new ManualClock();

    @Test
    void aTeamFindsOnlyItsOwnResponses() {
        InMemoryResponseStore store = new InMemoryResponseStore(Duration.ofHours(1), 1 << 20, clock);
        store.put(stored("team-a", "resp_1", 10));

        assertThat(store.get("team-a", "resp_1").toCompletableFuture().join()).isNotNull();
        assertThat(store.get("team-b", "resp_1").toCompletableFuture().join()).isNull();
        assertThat(store.delete("team-b", "resp_1").toCompletableFuture().join()).isFalse();
        assertThat(store.delete("team-a", "resp_1").toCompletableFuture().join()).isTrue();
        assertThat(store.get("team-a", "resp_1").toCompletableFuture().join()).isNull();
    }

    @Test
    void aResponseExpiresAfterItsTimeToLive() {
        InMemoryResponseStore store = new InMemoryResponseStore(Duration.ofHours(1), 1 << 20, clock);
        store.put(stored("team-a", "resp_1", 10));
        clock.advance(Duration.ofMinutes(59));
        assertThat(store.get("team-a", "resp_1").toCompletableFuture().join()).isNotNull();
        clock.advance(Duration.ofMinutes(2));
        assertThat(store.get("team-a", "resp_1").toCompletableFuture().join()).isNull();
    }

    @Test
    void theStoredBytesStayUnderTheBound() {
        long bound = 64 * 1024;
        InMemoryResponseStore store = new InMemoryResponseStore(Duration.ofHours(1), bound, clock);
        long total = 0;
        for (int i = 0; i < 200; i++) {
            StoredResponse response = stored("team-a", "resp_" + i, 2000);
            total += response.bytes();
            store.put(response);
        }
        assertThat(total).isGreaterThan(4 * bound);
        long held = store.size();
        assertThat(held).isPositive().isLessThan(200);
        assertThat(held * 2000).isLessThanOrEqualTo(bound);
    }

    private static StoredResponse stored(String team, String id, int textLength) {
        ObjectNode response = JsonNodeFactory.instance.objectNode().put("id", id).put("text", "x".repeat(textLength));
        ObjectNode item = JsonNodeFactory.instance.objectNode().put("type", "message");
        return StoredResponse.of(team, response, List.of(item), List.of(item));
    }
}
