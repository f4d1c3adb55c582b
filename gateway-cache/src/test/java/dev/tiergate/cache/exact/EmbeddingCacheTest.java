package dev.tiergate.cache.exact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.pipeline.CacheDirectives;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.testing.HeapInUse;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The embeddings cache: an answer from it is the stored one, and what it holds stays within its bound. */
class EmbeddingCacheTest {
    private static final Caller CALLER = new Caller(new TeamConfig("team-a", List.of(), Set.of("*"), null, Map.of()),
            "key-a");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void anInputAnsweredBeforeIsAnsweredFromTheCacheAsTheProviderSentIt() throws Exception {
        EmbeddingCache cache = EmbeddingCache.of(ExactCacheSettings.builder().maxSizeMb(1).build());
        ArrayNode vector = vector(new Random(1), 8);
        cache.lookup(CALLER, "m", request("hello"), CacheDirectives.NONE).complete(upstream(vector));

        EmbeddingCache.Lookup again = cache.lookup(CALLER, "m", request("hello"), CacheDirectives.NONE);
        assertThat(again.complete()).isTrue();
        JsonNode answer = Json.mapper().readTree(Json.mapper().writeValueAsBytes(again.answerFromCache("m")));
        assertThat(answer.path("data").get(0).path("embedding")).isEqualTo(vector);
        assertThat(answer.path("data").get(0).path("index").asInt()).isZero();
    }

    @Test
    void theHeapAFullCacheHoldsIsWithinItsBound() throws InterruptedException {
        long bound = 4L << 20;
        EmbeddingCache cache = EmbeddingCache.of(ExactCacheSettings.builder().maxSizeBytes(bound).build());
        Random random = new Random(2);
        long before = HeapInUse.afterGc();
        for (int i = 0; i < 600; i++) {   // ~18 MB of 1,536-dimension embeddings as JSON offered
            cache.lookup(CALLER, "m", request("input " + i), CacheDirectives.NONE)
                    .complete(upstream(vector(random, 1536)));
        }
        long held = HeapInUse.afterGc(cache) - before;
        assertThat(held).as("heap held by a cache bounded at %d bytes", bound).isLessThan(bound * 5 / 4);
    }

    private static EmbeddingRequest request(String text) {
        return new EmbeddingRequest("m", NODES.arrayNode().add(text), null, null, null, Map.of());
    }

    private static EmbeddingResponse upstream(ArrayNode vector) {
        ObjectNode item = NODES.objectNode().put("object", "embedding").put("index", 0);
        item.set("embedding", vector);
        return new EmbeddingResponse("list", List.of(item), "m", Usage.of(3, 0), Map.of());
    }

    private static ArrayNode vector(Random random, int dimensions) {
        ArrayNode vector = NODES.arrayNode();
        for (int d = 0; d < dimensions; d++) {
            vector.add(random.nextDouble() * 2 - 1);   // as a provider's JSON parses: doubles
        }
        return vector;
    }
}
