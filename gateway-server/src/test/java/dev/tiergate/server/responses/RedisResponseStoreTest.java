package dev.tiergate.server.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.server.e2e.RedisSupport;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Redis store against a real Redis: per team, expiring, sealed at rest. */
class RedisResponseStoreTest {
    private static final SecretKey KEY = new SecretKeySpec(new byte[32], "AES");
    private String url;
    private String prefix;
    private RedisClient client;
    private StatefulRedisConnection<String, byte[]> connection;

    @BeforeEach
    void connect() {
        url = RedisSupport.url();
        prefix = RedisSupport.uniquePrefix("responses");
        client = RedisClient.create(url);
        connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    }

    @AfterEach
    void disconnect() {
        if (connection != null) {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            RedisSupport.deleteKeys(url, prefix);
        }
    }

    @Test
    void aTeamFindsItsSealedResponseAndNoOtherTeamDoes() {
        RedisResponseStore store = new RedisResponseStore(connection.async(), prefix, Duration.ofMinutes(5), 1 << 20, KEY);
        StoredResponse stored = stored("team-a", "resp_1", "The secret answer");
        store.put(stored).toCompletableFuture().join();

        StoredResponse found = store.get("team-a", "resp_1").toCompletableFuture().join();
        assertThat(found.response()).isEqualTo(stored.response());
        assertThat(found.inputItems()).isEqualTo(stored.inputItems());
        assertThat(found.conversation()).isEqualTo(stored.conversation());
        assertThat(store.get("team-b", "resp_1").toCompletableFuture().join()).isNull();

        byte[] atRest = connection.sync().get(prefix + "team-a:resp_1");
        assertThat(new String(atRest, StandardCharsets.ISO_8859_1)).doesNotContain("secret answer");
        assertThat(connection.sync().pttl(prefix + "team-a:resp_1")).isBetween(1L, 300_000L);

        // sealed bytes moved under another team's key do not open there
        connection.sync().set(prefix + "team-b:resp_1", atRest);
        assertThat(store.get("team-b", "resp_1").toCompletableFuture().join()).isNull();

        assertThat(store.delete("team-a", "resp_1").toCompletableFuture().join()).isTrue();
        assertThat(store.delete("team-a", "resp_1").toCompletableFuture().join()).isFalse();
        assertThat(store.get("team-a", "resp_1").toCompletableFuture().join()).isNull();
    }

    @Test
    void withoutAKeyResponsesAreKeptInClearAndAnotherKeyCannotReadThem() {
        new RedisResponseStore(connection.async(), prefix, Duration.ofMinutes(5), 1 << 20, null)
                .put(stored("team-a", "resp_2", "plain")).toCompletableFuture().join();
        assertThat(new String(connection.sync().get(prefix + "team-a:resp_2"), StandardCharsets.UTF_8)).contains("plain");
        RedisResponseStore sealed = new RedisResponseStore(connection.async(), prefix, Duration.ofMinutes(5), 1 << 20, KEY);
        assertThat(sealed.get("team-a", "resp_2").toCompletableFuture().join()).isNull();
    }

    @Test
    void aResponseOverTheEntryBoundIsNotStored() {
        RedisResponseStore store = new RedisResponseStore(connection.async(), prefix, Duration.ofMinutes(5), 1000, KEY);
        store.put(stored("team-a", "resp_3", "x".repeat(2000))).toCompletableFuture().join();
        assertThat(store.get("team-a", "resp_3").toCompletableFuture().join()).isNull();
    }

    private static StoredResponse stored(String team, String id, String text) {
        ObjectNode response = JsonNodeFactory.instance.objectNode().put("id", id).put("object", "response");
        response.putArray("output").addObject().put("type", "message").put("text", text);
        ObjectNode input = JsonNodeFactory.instance.objectNode().put("type", "message").put("role", "user")
                .put("content", "What is the secret?");
        return StoredResponse.of(team, response, List.of(input), List.of(input, (ObjectNode) response.at("/output/0")));
    }
}
