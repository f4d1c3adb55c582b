package dev.tiergate.server.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.accounting.UsageJson;
import java.util.List;
import java.util.Map;

/** {@code /dashboard/api/upstreams}: breaker states per provider and the recent failed attempts, newest first. */
public final class UpstreamsView {
    private UpstreamsView() {
    }

    public static ObjectNode of(Map<String, String> breakers, List<Ring.Numbered<UpstreamFailure>> failures) {
        ObjectNode root = UsageJson.mapper().createObjectNode();
        ArrayNode states = root.putArray("breakers");
        breakers.forEach((provider, state) -> {
            ObjectNode row = states.addObject();
            row.put("provider", provider);
            row.put("deployment", provider);
            row.put("state", state);
        });
        ArrayNode errors = root.putArray("errors");
        for (Ring.Numbered<UpstreamFailure> numbered : failures) {
            UpstreamFailure f = numbered.value();
            ObjectNode row = errors.addObject();
            row.put("at", f.at().toString());
            row.put("request_id", f.requestId());
            row.put("provider", f.provider());
            row.put("model", f.model());
            row.put("status", f.status());
            row.put("code", f.code());
            row.put("attempt", f.attempt());
            row.put("outcome", f.outcome());
        }
        return root;
    }
}
