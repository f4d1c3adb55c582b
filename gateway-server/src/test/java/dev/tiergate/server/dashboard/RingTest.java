package dev.tiergate.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import dev.tiergate.server.accounting.RequestLog;
import org.junit.jupiter.api.Test;

class RingTest {
    @Test
    void holdsTheLastValuesNumberedInOrder() {
        Ring<String> ring = new Ring<>(3);
        assertThat(ring.latest()).isZero();
        assertThat(ring.last(10)).isEmpty();
        for (String value : List.of("a", "b", "c", "d", "e")) {
            ring.append(value);
        }
        assertThat(ring.latest()).isEqualTo(5);
        assertThat(ring.last(10)).extracting(Ring.Numbered::value).containsExactly("c", "d", "e");
        assertThat(ring.last(2)).extracting(Ring.Numbered::number).containsExactly(4L, 5L);
        assertThat(ring.after(0)).extracting(Ring.Numbered::value).containsExactly("c", "d", "e");
        assertThat(ring.after(3)).extracting(Ring.Numbered::value).containsExactly("d", "e");
        assertThat(ring.after(5)).isEmpty();
        assertThat(ring.after(99)).isEmpty();
        assertThat(ring.newestFirst(2)).extracting(Ring.Numbered::value).containsExactly("e", "d");
    }

    @Test
    void theTailViewGivesTheLinesAfterASeqAndWhereToGoOn() {
        Ring<RequestLog.Line> ring = new Ring<>(500);
        for (int i = 1; i <= 150; i++) {
            String json = "{\"request_id\":\"req_" + i + "\"}";
            ring.append(new RequestLog.Line() {
                @Override
                public String route() {
                    return "/v1/chat/completions";
                }

                @Override
                public String json() {
                    return json;
                }
            });
        }
        var last = TailView.of(ring, null);
        assertThat(last.path("lines")).hasSize(TailView.DEFAULT_LINES);
        assertThat(last.at("/lines/0/seq").asLong()).isEqualTo(51);
        assertThat(last.at("/lines/0/entry/request_id").asText()).isEqualTo("req_51");
        assertThat(last.path("next").asLong()).isEqualTo(150);
        assertThat(TailView.of(ring, 148L).path("lines").findValuesAsText("request_id"))
                .containsExactly("req_149", "req_150");
        assertThat(TailView.of(ring, 150L).path("next").asLong()).isEqualTo(150);
        assertThat(TailView.of(ring, 900L).path("next").asLong()).as("a replica that restarted").isEqualTo(150);
    }
}
