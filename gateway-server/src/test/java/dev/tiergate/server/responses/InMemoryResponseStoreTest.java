package dev.tiergate.server.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.testing.HeapInUse;
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
            total += StoredResponseCodec.encode(response, null, null).length;
            store.put(response);
        }
        assertThat(total).isGreaterThan(4 * bound);
        long held = store.size();
        assertThat(held).isPositive().isLessThan(200);
        assertThat(held * 2000).isLessThanOrEqualTo(bound);
    }

    @Test
    void theHeapAFullStoreHoldsIsWithinItsBound() throws InterruptedException {
        long bound = 4L << 20;
        InMemoryResponseStore store = new InMemoryResponseStore(Duration.ofHours(1), bound, clock);
        long before = HeapInUse.afterGc();
        for (int i = 0; i < 20_000; i++) {   // ~26 MB of JSON offered: the store keeps its 4 MB of it
            store.put(conversationTurn("team-a", "resp_" + i));
        }
        long held = HeapInUse.afterGc() - before;
        assertThat(store.size()).isBetween(1_000L, 19_000L);
        assertThat(held).as("heap held by a store bounded at %d bytes", bound).isLessThan(bound * 5 / 4);
    }

    @Test
    void aResponseReadBackIsEqualButNotTheStoredOne() {
        InMemoryResponseStore store = new InMemoryResponseStore(Duration.ofHours(1), 1 << 20, clock);
        StoredResponse put = conversationTurn("team-a", "resp_1");
        store.put(put);
        StoredResponse read = store.get("team-a", "resp_1").toCompletableFuture().join();
        assertThat(read.response()).isEqualTo(put.response());
        assertThat(read.conversation()).isEqualTo(put.conversation());
        read.response().put("status", "changed");
        assertThat(store.get("team-a", "resp_1").toCompletableFuture().join().response().get("status").textValue())
                .isEqualTo("completed");
    }

    /** A turn as the Responses API stores one: the response with its output message, input and conversation items. */
    private static StoredResponse conversationTurn(String team, String id) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode input = json.objectNode().put("type", "message").put("role", "user");
        input.putArray("content").addObject().put("type", "input_text").put("text", "What is the capital of France? " + id);
        ObjectNode output = json.objectNode().put("type", "message").put("id", "msg_" + id).put("role", "assistant")
                .put("status", "completed");
        output.putArray("content").addObject().put("type", "output_text")
                .put("text", "The capital of France is Paris, its largest city.").putArray("annotations");
        ObjectNode response = json.objectNode().put("id", id).put("object", "response").put("created_at", 1796371000)
                .put("status", "completed").put("model", "gpt-4o-mini");
        response.putArray("output").add(output);
        response.putObject("usage").put("input_tokens", 28).put("output_tokens", 12).put("total_tokens", 40);
        return StoredResponse.of(team, response, List.of(input), List.of(input, output));
    }

    private static StoredResponse stored(String team, String id, int textLength) {
        ObjectNode response = JsonNodeFactory.instance.objectNode().put("id", id).put("text", "x".repeat(textLength));
        ObjectNode item = JsonNodeFactory.instance.objectNode().put("type", "message");
        return StoredResponse.of(team, response, List.of(item), List.of(item));
    }
}
