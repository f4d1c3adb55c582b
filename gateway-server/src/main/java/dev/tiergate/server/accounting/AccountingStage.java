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
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.AnswerHook;
import dev.tiergate.core.pipeline.BilledAttempt;
import dev.tiergate.core.pipeline.CacheLookup;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.FailurePolicy;
import dev.tiergate.core.pipeline.LoggedTexts;
import dev.tiergate.core.pipeline.NamedStage;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.pipeline.Served;
import dev.tiergate.core.pipeline.StageStep;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.core.tokens.TokenCounter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;

/**
 * Prices every answer of every paid pipeline, after all other stages have had their say (so it
 * sees the cache outcome and the model that answered). A complete answer (chat or embeddings) is
 * priced at once; a stream is metered as it passes (the provider's usage chunk, which every stream
 * carries, else the streamed text counted with jtokkit) and priced when it ends, cleanly or not.
 * Each {@link UsageRecord} goes to the sink and becomes the request's {@code usage} fact. A shadow
 * call of online verification ({@code shadowCheckOf} set) is recorded as a shadow check.
 */
public final class AccountingStage extends NamedStage {
    public static final String NAME = "accounting";

    private final Accountant accountant;
    private final ModelCatalog catalog;
    private final Consumer<UsageRecord> sink;
    private final Clock clock;
    private final TokenCounter tokenCounter;
    private final Executor counting;

    /**
     * {@code counting} counts the tokens of long texts that a provider reported no usage for (a
     * cancelled stream's prompt), off the event loops: tokenizing a megabyte takes a second.
     */
    public AccountingStage(Accountant accountant, ModelCatalog catalog, Consumer<UsageRecord> sink, Clock clock,
                           TokenCounter tokenCounter, Executor counting) {
        super(NAME, FailurePolicy.FAIL_OPEN);
        this.counting = requireNonNull(counting, "counting");
        this.accountant = requireNonNull(accountant, "accountant");
        this.catalog = requireNonNull(catalog, "catalog");
        this.sink = requireNonNull(sink, "sink");
        this.clock = requireNonNull(clock, "clock");
        this.tokenCounter = requireNonNull(tokenCounter, "tokenCounter");
    }

    @Override
    public CompletionStage<StageStep> before(Exchange exchange) {
        return StageStep.proceed(exchange, "metered", new AnswerHook() {
            @Override
            public Answer answered(Answer answer) {
                accountBilledAttempts(exchange);
                return meter(answer, exchange);
            }

            @Override
            public void failed(Throwable error) {
                accountBilledAttempts(exchange);
            }
        });
    }

    /**
     * Each attempt the provider may bill whose answer the client did not get is a usage record of its
     * own: an empty answer discarded for a fallback (the provider's usage), a call abandoned after it
     * was sent (its input, estimated).
     */
    private void accountBilledAttempts(Exchange exchange) {
        for (BilledAttempt attempt; (attempt = exchange.facts().billedAttempts().poll()) != null; ) {
            TokenCounts tokens = TokenCounts.fromUsage(attempt.usage());
            if (tokens == null) {
                // the count of the reservation, else a short prompt counted now, else a bound that never falls short
                tokens = TokenCounts.estimated(promptTokens(exchange,
                        Reservations.chars(exchange) <= Reservations.INLINE_CHARS ? tokenCounter : Reservations.UTF8_BYTES), 0);
            }
            TeamConfig team = exchange.caller().team();
            String requested = exchange.request().model();
            UsageRecord record = accountant.account(new AnsweredRequest(exchange.requestId(), clock.instant(),
                    team.id(), exchange.caller().keyId(), requested, baseline(team, requested), attempt.provider(),
                    attempt.model(), attempt.tier(), null,
                    exchange.request() instanceof ChatRequest chat && chat.isStream(), attempt.reason(), tokens));
            record = shadowChecked(exchange, record);
            exchange.facts().attemptUsage().add(record);
            sink.accept(record);
        }
    }

    private Answer meter(Answer answer, Exchange exchange) {
        switch (answer) {
            case Answer.Complete complete -> {
                ChatCompletion completion = complete.completion();
                account(exchange, UsageRecord.COMPLETE, completion.usage(),
                        new WholeText(() -> completionText(completion)));
                return complete;
            }
            case Answer.Stream stream -> {
                return stream.withChunks(meter(stream.chunks(), exchange));
            }
            case Answer.Embeddings embeddings -> {
                account(exchange, UsageRecord.COMPLETE, embeddings.response().usage(), new WholeText(() -> ""));
                return embeddings;
            }
        }
    }

    private Flux<ChatChunk> meter(Flux<ChatChunk> chunks, Exchange exchange) {
        return Flux.defer(() -> {
            StreamMeter meter = new StreamMeter(exchange.caller().team().accounting().logPrompts());
            AtomicBoolean ended = new AtomicBoolean();
            Consumer<String> end = outcome -> {
                if (ended.compareAndSet(false, true) && meter.chunks > 0) {
                    account(exchange, outcome, meter.usage, meter);
                }
            };
            return chunks.doOnNext(meter::add)
                    .doOnComplete(() -> end.accept(UsageRecord.COMPLETE))
                    .doOnError(error -> end.accept(UsageRecord.ERROR))
                    .doOnCancel(() -> end.accept(UsageRecord.CANCELLED));
        });
    }

    private void account(Exchange exchange, String outcome, Usage usage, AnswerText answer) {
        TokenCounts reported = exchange.isChat() ? TokenCounts.fromUsage(usage) : TokenCounts.fromEmbeddingUsage(usage);
        if (reported != null) {
            record(exchange, outcome, reported, answer);
        } else if ((exchange.facts().promptTokens().get() != null ? 0 : Reservations.chars(exchange))
                + answer.uncountedChars() <= Reservations.INLINE_CHARS) {
            record(exchange, outcome, TokenCounts.estimated(promptTokens(exchange, tokenCounter), answer.tokens()), answer);
        } else {
            try {
                counting.execute(() -> record(exchange, outcome,
                        TokenCounts.estimated(promptTokens(exchange, tokenCounter), answer.tokens()), answer));
            } catch (RejectedExecutionException busy) {
                // too many long texts waiting to be counted: charge by UTF-8 bytes, which no token count exceeds
                record(exchange, outcome, TokenCounts.estimated(promptTokens(exchange, Reservations.UTF8_BYTES),
                        Reservations.UTF8_BYTES.text(answer.text())), answer);
            }
        }
    }

    private void record(Exchange exchange, String outcome, TokenCounts tokens, AnswerText answer) {
        TeamConfig team = exchange.caller().team();
        RequestFacts facts = exchange.facts();
        Served served = facts.served().get();
        CacheLookup cache = facts.cache();
        String requested = exchange.request().model();
        boolean stream = exchange.request() instanceof ChatRequest chat && chat.isStream();
        UsageRecord record = accountant.account(new AnsweredRequest(exchange.requestId(), clock.instant(),
                team.id(), exchange.caller().keyId(), requested, baseline(team, requested),
                served == null ? null : served.provider(), served == null ? null : served.model(), facts.tier(),
                cache == null ? null : cache.outcome(), stream, outcome, tokens));
        record = shadowChecked(exchange, record);
        facts.usage().setIfAbsent(record);
        if (team.accounting().logPrompts() && exchange.request() instanceof ChatRequest chat) {
            facts.texts().setIfAbsent(new LoggedTexts(promptText(chat), answer.text()));
        }
        sink.accept(record);
    }

    /** A shadow call of online verification is a cost of its own, never a saving ({@code shadow_check}). */
    private static UsageRecord shadowChecked(Exchange exchange, UsageRecord record) {
        return exchange.facts().shadowCheckOf().isSet() ? record.asShadowCheck() : record;
    }

    private long promptTokens(Exchange exchange, TokenCounter counter) {
        Long counted = exchange.facts().promptTokens().get();
        if (counted != null) {
            return counted;
        }
        return switch (exchange.request()) {
            case ChatRequest chat -> counter.prompt(chat);
            case EmbeddingRequest embeddings -> embeddings.textInputs().stream().mapToLong(counter::text).sum();
        };
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

    /** The answer's text as accounting needs it: its tokens (when the provider reported none), and the text to log. */
    private interface AnswerText {
        long tokens();

        /** Characters {@link #tokens()} still has to count. */
        int uncountedChars();

        /** The text, for a team that logs prompts (else possibly not kept). */
        String text();
    }

    /**
     * A complete answer, already in memory: its text is put together only when asked for (the
     * provider reported no usage, or the team logs prompts), once.
     */
    private final class WholeText implements AnswerText {
        private final Supplier<String> source;
        private String text;

        WholeText(Supplier<String> source) {
            this.source = source;
        }

        @Override
        public long tokens() {
            return tokenCounter.text(text());
        }

        @Override
        public int uncountedChars() {
            return text().length();
        }

        @Override
        public String text() {
            if (text == null) {
                text = source.get();
            }
            return text;
        }
    }

    /**
     * What a stream has carried so far: chunks, the provider's usage if it came, and its text counted
     * as it passes in pieces of at most {@value #PIECE} characters, so that a long stream holds a few
     * kilobytes, never its whole text (unless the team logs prompts), and no counting is long.
     */
    private final class StreamMeter implements AnswerText {
        static final int PIECE = 4096;
        static final int MAX_RUN = 256;
        private final StringBuilder piece = new StringBuilder();
        private final StringBuilder logged;
        private long counted;
        Usage usage;
        int chunks;

        StreamMeter(boolean keepText) {
            this.logged = keepText ? new StringBuilder() : null;
        }

        void add(ChatChunk chunk) {
            chunks++;
            if (chunk.usage() != null) {
                usage = chunk.usage();
            }
            int before = piece.length();
            for (ChatChunk.ChunkChoice choice : chunk.choices()) {
                if (choice.delta() != null) {
                    if (choice.delta().content() != null) {
                        piece.append(choice.delta().content());
                    }
                    appendToolCalls(piece, choice.delta().toolCalls());
                }
            }
            if (logged != null) {
                logged.append(piece, before, piece.length());
            }
            if (piece.length() >= PIECE && usage == null) {
                counted += countInShortRuns(piece);
                piece.setLength(0);
            }
        }

        @Override
        public long tokens() {
            return counted + countInShortRuns(piece);
        }

        /**
         * The tokens of {@code text}, counted in parts with no run of more than {@value #MAX_RUN}
         * characters without a space: byte-pair encoding of one long word (a run of one letter is
         * its worst case) takes time that grows faster than its length, and this runs on the event
         * loop. Real text has no such runs; for a run the count differs by a token per cut at most.
         */
        private long countInShortRuns(CharSequence text) {
            long total = 0;
            int start = 0;
            int run = 0;
            for (int i = 0; i < text.length(); i++) {
                if (Character.isWhitespace(text.charAt(i))) {
                    run = 0;
                } else if (++run > MAX_RUN) {
                    total += tokenCounter.text(text.subSequence(start, i));
                    start = i;
                    run = 1;
                }
            }
            return total + tokenCounter.text(text.subSequence(start, text.length()));
        }

        @Override
        public int uncountedChars() {
            return piece.length();
        }

        @Override
        public String text() {
            return logged == null ? "" : logged.toString();
        }
    }
}
