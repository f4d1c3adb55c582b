package dev.tiergate.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestTailTest {
    @Test
    void keepsTheLinesAsWrittenButNotTheDashboardsOwnProbesOrScrapes() {
        RequestTail tail = new RequestTail();
        for (String route : new String[] {"/v1/chat/completions", "/dashboard/api/tail", "/dashboard/api/spend",
            "/healthz", "/readyz", "/metrics", "/admin/audit", "unmatched"}) {
            tail.logged(Map.of("request_id", "req-" + route, "route", route, "status", 200));
        }
        tail.logged(Map.of("request_id", "req-without-route"));
        assertThat(tail.lines().last(10)).extracting(line -> line.value().get("route"))
                .containsExactly("/v1/chat/completions", "/admin/audit", "unmatched", null);
        assertThat(tail.lines().last(1).get(0).value()).isEqualTo(Map.of("request_id", "req-without-route"));
    }

    @Test
    void holdsTheLastFiveHundredLines() {
        RequestTail tail = new RequestTail();
        for (int i = 1; i <= 700; i++) {
            tail.logged(Map.of("request_id", "req-" + i, "route", "/v1/embeddings"));
        }
        assertThat(tail.lines().after(0)).hasSize(RequestTail.CAPACITY);
        assertThat(tail.lines().after(0).get(0).number()).isEqualTo(201);
    }
}
