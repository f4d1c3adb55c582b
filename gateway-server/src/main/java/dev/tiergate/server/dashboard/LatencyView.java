package dev.tiergate.server.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.accounting.UsageJson;
import java.util.Map;

/** {@code /dashboard/api/latency}: the time the gateway adds, and upstream latency per provider. */
public final class LatencyView {
    private LatencyView() {
    }

    public static ObjectNode of(BucketCounts gateway, Map<String, BucketCounts> upstreams) {
        ObjectNode root = UsageJson.mapper().createObjectNode();
        root.set("gateway", gateway.toJson());
        ArrayNode rows = root.putArray("upstreams");
        upstreams.forEach((provider, buckets) -> {
            ObjectNode row = rows.addObject();
            row.put("provider", provider);
            row.setAll(buckets.toJson());
        });
        return root;
    }
}
