package dev.tiergate.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.server.accounting.RequestLog;
import org.junit.jupiter.api.Test;

class RequestTailTest {
    @Test
    void keepsTheLinesAsWrittenButNotTheDashboardsOwnProbesOrScrapes() {
        RequestTail tail = new RequestTail();
        for (String route : new String[] {"/v1/chat/completions", "/dashboard/api/tail", "/dashboard/api/spend",
            "/healthz", "/readyz", "/metrics", "/admin/audit", "unmatched"}) {
            tail.logged(new Line(route, "{\"request_id\":\"req-" + route + "\",\"route\":\"" + route + "\"}"));
        }
        tail.logged(new Line(null, "{\"request_id\":\"req-without-route\"}"));
        assertThat(tail.lines().last(10)).extracting(line -> line.value().json()).containsExactly(
                "{\"request_id\":\"req-/v1/chat/completions\",\"route\":\"/v1/chat/completions\"}",
                "{\"request_id\":\"req-/admin/audit\",\"route\":\"/admin/audit\"}",
                "{\"request_id\":\"req-unmatched\",\"route\":\"unmatched\"}",
                "{\"request_id\":\"req-without-route\"}");
    }

    @Test
    void holdsTheLastFiveHundredLines() {
        RequestTail tail = new RequestTail();
        for (int i = 1; i <= 700; i++) {
            tail.logged(new Line("/v1/embeddings", "{\"request_id\":\"req-" + i + "\"}"));
        }
        assertThat(tail.lines().after(0)).hasSize(RequestTail.CAPACITY);
        assertThat(tail.lines().after(0).get(0).number()).isEqualTo(201);
    }

    private record Line(String route, String json) implements RequestLog.Line {
    }
}
