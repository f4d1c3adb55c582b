package dev.tiergate.server.accounting;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.accounting.Accountant;
import dev.tiergate.core.accounting.AnsweredRequest;
import dev.tiergate.core.accounting.TokenCounts;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.pipeline.ChatExchange;
import dev.tiergate.core.pipeline.ChatResult;
import dev.tiergate.core.pipeline.FailurePolicy;
import dev.tiergate.core.pipeline.PipelineStage;
import dev.tiergate.core.pipeline.ResultMetadata;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.core.tokens.TokenCounter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;

/**
 * Prices every answer, after all other stages have had their say (so it sees the cache outcome
 * and the model that answered). A complete answer is priced at once and carries
 * {@value #COST_HEADER}; a stream is metered as it passes (the usage chunk when the client asked
 * for it, else the streamed text counted with jtokkit) and priced when it ends, cleanly or not.
 * Each {@link UsageRecord} goes to the sink and to the request's {@link RequestAccounting}.
 */
public final class AccountingStage implements PipelineStage {
    public static final String NAME = "accounting";
    /** After the limits, before the caches. */
    public static final int ORDER = 20;
    public static final String COST_HEADER = "x-tiergate-cost-usd";

    private final Accountant accountant;
    private final ModelCatalog catalog;
    private final Consumer<UsageRecord> sink;
    private final Clock clock;
    private final TokenCounter tokenCounter;

    public AccountingStage(Accountant accountant, ModelCatalog catalog, Consumer<UsageRecord> sink, Clock clock,
                           TokenCounter tokenCounter) {
        this.accountant = requireNonNull(accountant, "accountant");
        this.catalog = requireNonNull(catalog, "catalog");
        this.sink = requireNonNull(sink, "sink");
        this.clock = requireNonNull(clock, "clock");
        this.tokenCounter = requireNonNull(tokenCounter, "tokenCounter");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public FailurePolicy failurePolicy() {
        return FailurePolicy.FAIL_OPEN;
    }

    @Override
    public CompletionStage<ChatResult> handle(ChatExchange exchange, StageChain chain) {
        RequestAccounting accounting = RequestAccounting.of(exchange);
        ChatRequest request = exchange.request();
        return chain.proceed(exchange).thenApply(result -> switch (result) {
            case ChatResult.Complete complete -> {
                ChatCompletion completion = complete.completion();
                UsageRecord record = account(exchange, request, complete.metadata(), UsageRecord.COMPLETE,
                        completion.usage(), completionText(completion), accounting);
                yield complete.withMetadata(complete.metadata().withHeader(COST_HEADER,
                        record.costUsd().toPlainString()));
            }
            case ChatResult.Streaming streaming -> streaming.withChunks(
                    meter(streaming.chunks(), exchange, request, streaming.metadata(), accounting));
        });
    }

    private Flux<ChatChunk> meter(Flux<ChatChunk> chunks, ChatExchange exchange, ChatRequest request,
                                  ResultMetadata metadata, RequestAccounting accounting) {
        return Flux.defer(() -> {
            StreamMeter meter = new StreamMeter();
            AtomicBoolean ended = new AtomicBoolean();
            Consumer<String> end = outcome -> {
                if (ended.compareAndSet(false, true) && meter.chunks > 0) {
                    account(exchange, request, metadata, outcome, meter.usage, meter.text, accounting);
                }
            };
            Flux<ChatChunk> metered = chunks.doOnNext(meter::add)
                    .doOnComplete(() -> end.accept(UsageRecord.COMPLETE))
                    .doOnError(error -> end.accept(UsageRecord.ERROR))
                    .doOnCancel(() -> end.accept(UsageRecord.CANCELLED));
            boolean clientWantsUsage = request.streamOptions() != null && request.streamOptions().wantsUsage();
            // Upstream streams always carry the provider's usage (for the meter above); a client
            // that did not ask for it gets the stream it asked for.
            return clientWantsUsage ? metered : metered.handle((chunk, sink) -> {
                if (chunk.usage() == null) {
                    sink.next(chunk);
                } else if (!chunk.choices().isEmpty()) {
                    sink.next(new ChatChunk(chunk.id(), chunk.object(), chunk.created(), chunk.model(),
                            chunk.choices(), null, chunk.systemFingerprint(), chunk.extra()));
                }
            });
        });
    }

    private UsageRecord account(ChatExchange exchange, ChatRequest request, ResultMetadata metadata, String outcome,
                                Usage usage, CharSequence answerText, RequestAccounting accounting) {
        TokenCounts tokens = TokenCounts.fromUsage(usage);
        if (tokens == null) {
            tokens = TokenCounts.estimated(tokenCounter.prompt(request), tokenCounter.text(answerText));
        }
        TeamConfig team = exchange.caller().team();
        UsageRecord record = accountant.account(new AnsweredRequest(exchange.requestId(), clock.instant(),
                team.id(), exchange.caller().keyId(), request.model(), baseline(team, request.model()),
                metadata.provider(), metadata.model(), metadata.tier(), metadata.cache(), request.isStream(), outcome,
                tokens));
        accounting.record(record);
        if (team.accounting().logPrompts()) {
            accounting.texts(promptText(request), answerText.toString());
        }
        sink.accept(record);
        return record;
    }

    /**
     * The model a request is compared with: a concrete model itself; for an alias, the team's
     * {@code baseline-model}, else the first model of the alias's strongest (last) tier.
     */
    String baseline(TeamConfig team, String requested) {
        AliasConfig alias = catalog.alias(team, requested);
        if (alias == null) {
            return requested;
        }
        if (team.accounting().baselineModel() != null) {
            return team.accounting().baselineModel();
        }
        List<List<String>> tiers = new ArrayList<>(alias.tiers().values());
        for (int i = tiers.size() - 1; i >= 0; i--) {
            if (!tiers.get(i).isEmpty()) {
                return tiers.get(i).getFirst();
            }
        }
        return null;
    }

    private static String completionText(ChatCompletion completion) {
        StringBuilder text = new StringBuilder();
        for (ChatCompletion.Choice choice : completion.choices()) {
            if (choice.message() != null) {
                text.append(choice.message().text());
                appendToolCalls(text, choice.message().toolCalls());
            }
        }
        return text.toString();
    }

    private static void appendToolCalls(StringBuilder text, List<ToolCall> calls) {
        if (calls == null) {
            return;
        }
        for (ToolCall call : calls) {
            if (call.function() != null) {
                text.append(call.function().name() == null ? "" : call.function().name())
                        .append(call.function().arguments() == null ? "" : call.function().arguments());
            }
        }
    }

    private static String promptText(ChatRequest request) {
        StringBuilder text = new StringBuilder();
        for (Message message : request.messages()) {
            text.append(message.role()).append(": ").append(message.text()).append('\n');
        }
        return text.toString();
    }

    /** What a stream has carried so far: chunks, text, and the provider's usage if it came. */
    private static final class StreamMeter {
        final StringBuilder text = new StringBuilder();
        Usage usage;
        int chunks;

        void add(ChatChunk chunk) {
            chunks++;
            if (chunk.usage() != null) {
                usage = chunk.usage();
            }
            for (ChatChunk.ChunkChoice choice : chunk.choices()) {
                if (choice.delta() != null) {
                    if (choice.delta().content() != null) {
                        text.append(choice.delta().content());
                    }
                    appendToolCalls(text, choice.delta().toolCalls());
                }
            }
        }
    }
}
