package dev.tiergate.router.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.BilledAttempt;
import dev.tiergate.core.pipeline.CacheDirectives;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.core.pipeline.Deadline;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.Served;
import dev.tiergate.core.pipeline.Terminal;
import dev.tiergate.core.routing.RouteCause;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.router.policy.RouterSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CascadingDispatcherTest {
    private static final AliasConfig AUTO = new AliasConfig("auto", tiers(), "mid");
    private static final Usage USAGE = Usage.of(10, 5);
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

    private static Map<String, List<String>> tiers() {
        Map<String, List<String>> tiers = new LinkedHashMap<>();
        tiers.put("small", List.of("s"));
        tiers.put("mid", List.of("m"));
        tiers.put("frontier", List.of("f"));
        return tiers;
    }

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    /** A dispatcher that answers each tier with a fixed text (null: fails), as the provider dispatcher does. */
    private static final class TierTerminal implements Terminal {
        final Map<String, String> byTier;
        final List<String> dispatched = new ArrayList<>();

        TierTerminal(Map<String, String> byTier) {
            this.byTier = byTier;
        }

        @Override
        public CompletionStage<Answer> answer(Exchange exchange) {
            RouteDecision route = exchange.facts().route().get();
            String tier = route == null ? "none" : route.tier();
            dispatched.add(tier);
            String text = byTier.get(tier);
            if (text == null) {
                exchange.facts().billedAttempts().add(new BilledAttempt("p", tier + "-model", tier, null,
                        BilledAttempt.ABANDONED));
                return CompletableFuture.failedFuture(new UpstreamError("p", 503, "down", "server_error", true,
                        null, null));
            }
            exchange.facts().served().set(new Served("p", tier + "-model", tier, 1, null));
            return CompletableFuture.completedFuture(new Answer.Complete(new ChatCompletion("id",
                    ChatCompletion.OBJECT, 0L, "m", List.of(new ChatCompletion.Choice(0,
                    Message.assistant(text), "stop", Map.of())), USAGE, null, Map.of())));
        }
    }

    private Exchange exchange(RouteCause cause, String tier) {
        TeamConfig team = new TeamConfig("team-a", List.of(), Set.of("*"), "auto", Map.of());
        Exchange exchange = Exchange.of("req-1", new Caller(team, "key-1"),
                ChatRequest.of("auto", List.of(Message.user("q"))), CacheDirectives.NONE, executor,
                Deadline.in(Duration.ofSeconds(5)));
        exchange.facts().route().set(new RouteDecision("auto", tier, null, null, cause, null, null));
        return exchange;
    }

    private static CascadingDispatcher cascade(Terminal terminal) {
        return new CascadingDispatcher(terminal, (team, name) -> "auto".equals(name) ? AUTO : null,
                RouterSettings.defaults());
    }

    private static String text(Answer answer) {
        return ((Answer.Complete) answer).completion().choices().getFirst().message().text();
    }

    @Test
    void aRequestTheRouterDidNotCascadeGoesStraightToTheDispatcher() throws Exception {
        TierTerminal terminal = new TierTerminal(Map.of("mid", "I cannot help with that."));
        Exchange exchange = exchange(RouteCause.CLASSIFIER, "mid");
        Answer answer = cascade(terminal).answer(exchange).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(text(answer)).isEqualTo("I cannot help with that.");
        assertThat(terminal.dispatched).containsExactly("mid");
        assertThat(exchange.facts().escalations()).isEmpty();
    }

    @Test
    void aPassingAnswerIsKeptAndItsServedFactCarriedOver() throws Exception {
        TierTerminal terminal = new TierTerminal(Map.of("small", "Paris."));
        Exchange exchange = exchange(RouteCause.CASCADE, "small");
        Answer answer = cascade(terminal).answer(exchange).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(text(answer)).isEqualTo("Paris.");
        assertThat(exchange.facts().served().get().model()).isEqualTo("small-model");
        assertThat(exchange.facts().route().get().tier()).isEqualTo("small");
        assertThat(exchange.facts().billedAttempts()).isEmpty();
    }

    @Test
    void theStrongestTiersAnswerIsKeptEvenWhenItFails() throws Exception {
        TierTerminal terminal = new TierTerminal(Map.of("small", "I cannot help with that.",
                "mid", "I'm not sure what you mean.", "frontier", "I cannot answer that."));
        Exchange exchange = exchange(RouteCause.CASCADE, "small");
        Answer answer = cascade(terminal).answer(exchange).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(text(answer)).isEqualTo("I cannot answer that.");
        assertThat(terminal.dispatched).containsExactly("small", "mid", "frontier");
        assertThat(exchange.facts().escalations()).extracting(e -> e.fromTier() + ">" + e.toTier() + ":" + e.cause())
                .containsExactly("small>mid:refusal", "mid>frontier:refusal");
        assertThat(exchange.facts().billedAttempts()).extracting(BilledAttempt::model, BilledAttempt::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("small-model", "escalated"),
                        org.assertj.core.groups.Tuple.tuple("mid-model", "escalated"));
        assertThat(exchange.facts().served().get().attempts()).isEqualTo(3);
        assertThat(exchange.facts().served().get().tier()).isEqualTo("frontier");
    }

    @Test
    void anEscalationThatFailsFailsTheRequestWithEveryBilledAttemptRecorded() {
        TierTerminal terminal = new TierTerminal(Map.of("small", "I cannot help with that."));
        Exchange exchange = exchange(RouteCause.CASCADE, "small");
        assertThatThrownBy(() -> cascade(terminal).answer(exchange).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UpstreamError.class);
        assertThat(exchange.facts().billedAttempts()).extracting(BilledAttempt::reason)
                .containsExactly("escalated", "abandoned");
        assertThat(exchange.facts().served().isSet()).isFalse();
    }

    @Test
    void theNextTierFollowsTheAliasOrder() {
        assertThat(CascadingDispatcher.nextTier(AUTO, "small")).isEqualTo("mid");
        assertThat(CascadingDispatcher.nextTier(AUTO, "mid")).isEqualTo("frontier");
        assertThat(CascadingDispatcher.nextTier(AUTO, "frontier")).isNull();
        assertThat(CascadingDispatcher.nextTier(AUTO, null)).isNull();
    }
}
