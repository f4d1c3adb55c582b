package dev.tiergate.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Audit entries of every replica in a Redis list {@code P audit}, newest first, the last {@value #KEPT} kept. */
public final class RedisAuditStore implements AuditStore {
    static final int KEPT = 10_000;

    private final AdminRedis redis;
    private final String list;

    public RedisAuditStore(AdminRedis redis) {
        this.redis = redis;
        this.list = redis.key("audit");
    }

    @Override
    public void append(AuditEntry entry) {
        try {
            redis.commands().lpush(list, Json.mapper().writeValueAsString(entry.fields()));
            redis.commands().ltrim(list, 0, KEPT - 1);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<AuditEntry> recent(int max) {
        List<AuditEntry> entries = new ArrayList<>();
        for (String line : redis.commands().lrange(list, 0, max - 1L)) {
            try {
                JsonNode n = Json.mapper().readTree(line);
                @SuppressWarnings("unchecked")
                Map<String, Object> target = Json.mapper().convertValue(n.path("target"), LinkedHashMap.class);
                entries.add(new AuditEntry(Instant.parse(n.path("at").asText()), n.path("admin").asText(),
                        n.path("action").asText(), target, n.path("outcome").asText(),
                        n.hasNonNull("request_id") ? n.get("request_id").asText() : null));
            } catch (Exception e) {
                // a damaged line is left out of the answer
            }
        }
        return entries;
    }
}
