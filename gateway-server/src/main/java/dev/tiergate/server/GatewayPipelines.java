package dev.tiergate.server;

import dev.tiergate.core.pipeline.Pipeline;
import dev.tiergate.core.pipeline.PipelineStage;
import dev.tiergate.core.pipeline.StageObserver;
import dev.tiergate.core.pipeline.Terminal;
import dev.tiergate.server.accounting.Accounting;
import dev.tiergate.server.accounting.ShadowBudgetStage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The gateway's paid pipelines and their stages, in order: the one place that says which stages a
 * request passes and in which order. A stage that is switched off in the config is left out.
 * Every paid route enters one of these; a new endpoint (Responses, Messages) maps its request onto
 * one, never calls an adapter itself.
 */
record GatewayPipelines(Pipeline chat, Pipeline embeddings, Pipeline responsesPassthrough, Pipeline shadow) {

    /** {@code passthrough}: the end of Responses requests sent upstream as they are; null when no provider takes them. */
    static GatewayPipelines assemble(Accounting.Stages money, StageParts parts, Terminal dispatcher,
                                     Terminal passthrough, StageObserver observer) {
        Terminal chatEnd = parts.chatTerminal(dispatcher); // the cascade (mode: cascade) checks cheap answers, escalates
        Pipeline chat = Pipeline.of(present(
                money.pricedFields(),       // refuse fields that change the price unless the team allows them
                money.limits(),             // reserve the worst case against limits and budgets, or refuse
                money.accounting(),         // price whatever answers, cache or provider
                parts.exactCache(),         // the same request answered before
                parts.semanticCache(),      // a paraphrase answered before
                parts.router()),            // the cheapest tier that will answer well
                chatEnd, observer);         // then the providers: retries, fallbacks, breakers, one deadline
        Pipeline embeddings = Pipeline.of(present(
                money.limits(),
                money.accounting(),
                parts.embeddingCache()),    // per input: only inputs not stored go upstream
                dispatcher, observer);
        Pipeline responsesPassthrough = passthrough == null ? null : Pipeline.of(present(
                money.pricedFields(),
                money.limits(),
                money.accounting()),        // no caches (the bytes go back as they came) and no router (concrete models only)
                passthrough, observer);
        // Online verification's shadow calls: a served semantic hit asked again as a miss would be, no caches.
        // Not observed: the stage metrics count what clients asked; shadow calls have their own metrics.
        Pipeline shadow = Pipeline.of(present(
                money.limits(),             // within the team's limits and budget, like any request
                money.limits() == null ? null : new ShadowBudgetStage(),   // and never past its soft budget
                money.accounting(),         // priced as a shadow check
                parts.router()),
                chatEnd, StageObserver.NONE);   // as a miss would be answered (a cascading team cascades)
        return new GatewayPipelines(chat, embeddings, responsesPassthrough, shadow);
    }

    /** Every stage of every pipeline, once (for metrics). */
    List<PipelineStage> stages() {
        List<PipelineStage> all = new ArrayList<>(chat.stages());
        embeddings.stages().stream().filter(s -> !all.contains(s)).forEach(all::add);
        shadow.stages().stream().filter(s -> !all.contains(s)).forEach(all::add);
        return all;
    }

    private static List<PipelineStage> present(PipelineStage... stages) {
        return Arrays.stream(stages).filter(Objects::nonNull).toList();
    }
}
