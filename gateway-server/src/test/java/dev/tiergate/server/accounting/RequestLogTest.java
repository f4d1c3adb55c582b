package dev.tiergate.server.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.CacheDirectives;
import dev.tiergate.core.pipeline.Deadline;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.routing.RouteCause;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.server.requests.RequestListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** The request log line: the router's decision is in it, and no prompt text unless the team opts in. */
class RequestLogTest {

    @Test
    void aRoutedRequestLogsItsTierCauseAndComplexityButNotItsPrompt() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            Exchange exchange = Exchange.of("req-1",
                    new Caller(new TeamConfig("team-a", List.of(), Set.of("*"), null, Map.of()), "key-a"),
                    ChatRequest.of("auto", List.of(Message.user("a secret prompt"))), CacheDirectives.NONE, executor,
                    Deadline.in(Duration.ofSeconds(5)));
            exchange.facts().route().set(new RouteDecision("auto", "mid", "demo-mid",
                    0.42, RouteCause.CLASSIFIER, Map.of("small", 0.3, "mid", 0.5, "frontier", 0.2), List.of()));

            Map<String, Object> fields = new RequestLogLine(new RequestListener.FinishedRequest("req-1", "POST",
                    "/v1/chat/completions", 200, "ok", 1_000_000, "team-a", "key-a", "auto", exchange.facts()), null).fields();

            assertThat(fields).containsEntry("route_tier", "mid").containsEntry("route_cause", "classifier")
                    .containsEntry("complexity", 0.42).containsEntry("request_id", "req-1");
            assertThat(fields.values()).noneMatch(v -> String.valueOf(v).contains("secret"));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void theLineListenerGetsTheFieldsOfEachLineWrittenAndPromptsOnlyWhereTheLogHasThem() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            List<String> lines = new java.util.ArrayList<>();
            RequestLog log = new RequestLog(dev.tiergate.server.telemetry.TraceIds.NONE, line -> lines.add(line.json()));
            Exchange plain = Exchange.of("req-1",
                    new Caller(new TeamConfig("team-a", List.of(), Set.of("*"), null, Map.of()), "key-a"),
                    ChatRequest.of("auto", List.of(Message.user("a secret prompt"))), CacheDirectives.NONE, executor,
                    Deadline.in(Duration.ofSeconds(5)));
            Exchange optedIn = Exchange.of("req-2",
                    new Caller(new TeamConfig("team-b", List.of(), Set.of("*"), null, Map.of()), "key-b"),
                    ChatRequest.of("auto", List.of(Message.user("a logged prompt"))), CacheDirectives.NONE, executor,
                    Deadline.in(Duration.ofSeconds(5)));
            optedIn.facts().texts().set(new dev.tiergate.core.pipeline.LoggedTexts("a logged prompt", "an answer"));
            RequestListener.FinishedRequest first = new RequestListener.FinishedRequest("req-1", "POST",
                    "/v1/chat/completions", 200, "ok", 1_000_000, "team-a", "key-a", "auto", plain.facts());
            RequestListener.FinishedRequest second = new RequestListener.FinishedRequest("req-2", "POST",
                    "/v1/chat/completions", 200, "ok", 1_000_000, "team-b", "key-b", "auto", optedIn.facts());

            log.finished(first);
            log.finished(second);

            assertThat(lines).containsExactly(new RequestLogLine(first, null).json(),
                    new RequestLogLine(second, null).json());
            assertThat(lines.get(0)).doesNotContain("secret");
            assertThat(lines.get(1)).contains("\"prompt\":\"a logged prompt\"").contains("\"completion\":\"an answer\"");
        } finally {
            executor.shutdownNow();
        }
    }
}
