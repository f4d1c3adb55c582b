package dev.tiergate.cache.testing;

import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.pipeline.ChatExchange;
import dev.tiergate.core.pipeline.ChatResult;
import dev.tiergate.core.pipeline.PipelineStage;
import dev.tiergate.core.pipeline.ResultMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/**
 * The rest of the pipeline in tests: answers call number {@code k} with "answer k" (so a hit is
 * told apart from a second upstream call), as a stream when the request asks for one. The answer
 * can be replaced per test.
 */
public final class FakeUpstream implements PipelineStage.StageChain {
    public static final ResultMetadata ORIGIN = ResultMetadata.of("fake", "fake-model-2025").withTier("small");

    private int calls;
    private final List<ChatExchange> seen = new ArrayList<>();
    private Function<Integer, ChatResult> plain = FakeUpstream::plainAnswer;
    private Function<Integer, ChatResult> stream = FakeUpstream::streamAnswer;

    @Override
    public CompletionStage<ChatResult> proceed(ChatExchange exchange) {
        calls++;
        seen.add(exchange);
        ChatResult result = exchange.request().isStream() ? stream.apply(calls) : plain.apply(calls);
        return CompletableFuture.completedFuture(result);
    }

    public int calls() {
        return calls;
    }

    /** The exchanges that reached the upstream, in order. */
    public List<ChatExchange> seen() {
        return seen;
    }

    public FakeUpstream answeringPlain(Function<Integer, ChatResult> answer) {
        this.plain = answer;
        return this;
    }

    public FakeUpstream answeringStream(Function<Integer, ChatResult> answer) {
        this.stream = answer;
        return this;
    }

    public static ChatResult plainAnswer(int call) {
        return plain("answer " + call, "stop");
    }

    public static ChatResult plain(String text, String finishReason) {
        ChatCompletion completion = new ChatCompletion("chatcmpl-upstream", ChatCompletion.OBJECT, 1_700_000_000L,
                "fake-model-2025",
                List.of(new ChatCompletion.Choice(0, Message.assistant(text), finishReason, Map.of())),
                Usage.of(11, 7), null, Map.of());
        return new ChatResult.Complete(completion, ORIGIN);
    }

    public static ChatResult streamAnswer(int call) {
        return new ChatResult.Streaming(Flux.fromIterable(streamChunks("answer " + call, "stop", true)), ORIGIN);
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
}
