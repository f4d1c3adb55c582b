package dev.tiergate.cache.testing;

import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.CacheDirectives;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.Pipeline;
import dev.tiergate.core.pipeline.PipelineStage;
import dev.tiergate.core.pipeline.Served;
import dev.tiergate.core.pipeline.Terminal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/**
 * The end of the pipeline in cache tests, where the providers would be: answers call number
 * {@code k} with "answer k" (so a hit is told apart from a second upstream call), as a stream when
 * the request asks for one, and says it was served by {@link #ORIGIN}. The answer can be replaced
 * per test. {@link #run} runs stages through the real pipeline runner in front of it.
 */
public final class ScriptedUpstream implements Terminal {
    public static final Served ORIGIN = new Served("fake", "fake-model-2025", "small", 1, null);

    private int calls;
    private final List<Exchange> seen = new ArrayList<>();
    private Function<Integer, Answer> plain = ScriptedUpstream::plainAnswer;
    private Function<Integer, Answer> stream = ScriptedUpstream::streamAnswer;

    @Override
    public CompletionStage<Answer> answer(Exchange exchange) {
        calls++;
        seen.add(exchange);
        exchange.facts().served().setIfAbsent(ORIGIN);
        Answer result = exchange.chat().isStream() ? stream.apply(calls) : plain.apply(calls);
        return CompletableFuture.completedFuture(result);
    }

    /** Runs {@code stages} in front of this upstream and waits for the answer (not for a stream's end). */
    public StageResult run(Exchange exchange, PipelineStage... stages) {
        return run(this, exchange, stages);
    }

    /** Runs {@code stages} in front of {@code terminal}; the result keeps each step as {@code stage:outcome}. */
    public static StageResult run(Terminal terminal, Exchange exchange, PipelineStage... stages) {
        List<String> steps = new CopyOnWriteArrayList<>();
        Pipeline pipeline = Pipeline.of(List.of(stages), terminal, (stage, outcome, nanos) -> steps.add(stage + ":" + outcome));
        try {
            // A request starts on its event loop, as in the server.
            Answer answer = exchange.executor().submit(() -> pipeline.answer(exchange)).get(30, TimeUnit.SECONDS)
                    .toCompletableFuture().join();
            return new StageResult(answer, exchange.facts(), steps);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cache directives the server would read from these request headers. */
    public static CacheDirectives directives(Map<String, String> headers) {
        String control = headers.getOrDefault("cache-control", "").toLowerCase(java.util.Locale.ROOT);
        boolean bypass = control.contains("no-cache") || "off".equals(headers.get("x-tiergate-cache"));
        return new CacheDirectives(bypass, control.contains("no-store"));
    }

    public int calls() {
        return calls;
    }

    /** The exchanges that reached the upstream, in order. */
    public List<Exchange> seen() {
        return seen;
    }

    public ScriptedUpstream answeringPlain(Function<Integer, Answer> answer) {
        this.plain = answer;
        return this;
    }

    public ScriptedUpstream answeringStream(Function<Integer, Answer> answer) {
        this.stream = answer;
        return this;
    }

    public static Answer plainAnswer(int call) {
        return plain("answer " + call, "stop");
    }

    public static Answer plain(String text, String finishReason) {
        ChatCompletion completion = new ChatCompletion("chatcmpl-upstream", ChatCompletion.OBJECT, 1_700_000_000L,
                "fake-model-2025",
                List.of(new ChatCompletion.Choice(0, Message.assistant(text), finishReason, Map.of())),
                Usage.of(11, 7), null, Map.of());
        return new Answer.Complete(completion);
    }

    public static Answer streamAnswer(int call) {
        return new Answer.Stream(Flux.fromIterable(streamChunks("answer " + call, "stop", true)));
    }

    /** A role chunk, the text in two pieces, a finish chunk and optionally a usage-only chunk. */
    public static List<ChatChunk> streamChunks(String text, String finishReason, boolean usage) {
        int half = text.length() / 2;
        List<ChatChunk> chunks = new ArrayList<>();
        chunks.add(chunk(new ChatChunk.Delta("assistant", "", null, Map.of()), null));
        chunks.add(chunk(ChatChunk.Delta.content(text.substring(0, half)), null));
        chunks.add(chunk(ChatChunk.Delta.content(text.substring(half)), null));
        chunks.add(chunk(new ChatChunk.Delta(null, null, null, Map.of()), finishReason));
        if (usage) {
            chunks.add(new ChatChunk("chatcmpl-upstream", ChatChunk.OBJECT, 1_700_000_000L, "fake-model-2025",
                    List.of(), Usage.of(11, 7), null, Map.of()));
        }
        return chunks;
    }

    public static ChatChunk chunk(ChatChunk.Delta delta, String finishReason) {
        return new ChatChunk("chatcmpl-upstream", ChatChunk.OBJECT, 1_700_000_000L, "fake-model-2025",
                List.of(new ChatChunk.ChunkChoice(0, delta, finishReason, Map.of())), null, null, Map.of());
    }

    /** The content of a stream's chunks, concatenated. */
    public static String text(List<ChatChunk> chunks) {
        StringBuilder sb = new StringBuilder();
        for (ChatChunk chunk : chunks) {
            for (ChatChunk.ChunkChoice choice : chunk.choices()) {
                if (choice.delta() != null && choice.delta().content() != null) {
                    sb.append(choice.delta().content());
                }
            }
        }
        return sb.toString();
    }
}
