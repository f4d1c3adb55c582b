package dev.tiergate.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** Immutable copies of the {@code extra} maps that carry fields we do not model. */
public final class Extras {
    /**
     * Extra fields whose names start with this are the gateway's own (what a request was translated
     * from, what an answer came as): kept through the pipeline, never sent to a provider.
     */
    public static final String GATEWAY_PREFIX = "tiergate_";

    private Extras() {
    }

    /** {@code extra} without the gateway's own fields; the same map when it has none. */
    public static Map<String, JsonNode> forUpstream(Map<String, JsonNode> extra) {
        if (extra.keySet().stream().noneMatch(name -> name.startsWith(GATEWAY_PREFIX))) {
            return extra;
        }
        Map<String, JsonNode> out = new LinkedHashMap<>(extra);
        out.keySet().removeIf(name -> name.startsWith(GATEWAY_PREFIX));
        return copy(out);
    }

    /**
     * An immutable copy of {@code extra} in its order (a compact one: the caches hold thousands);
     * {@code extra} itself when it is already such a copy.
     */
    public static Map<String, JsonNode> copy(Map<String, JsonNode> extra) {
        if (extra == null || extra.isEmpty()) {
            return Map.of();
        }
        return extra instanceof FieldMap compact ? compact : FieldMap.of(extra);
    }
}
