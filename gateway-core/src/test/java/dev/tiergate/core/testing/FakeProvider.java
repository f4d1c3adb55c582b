package dev.tiergate.core.testing;

import dev.tiergate.core.error.TimeoutError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.provider.EmbeddingCall;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderCall;
import dev.tiergate.core.provider.ProviderCapability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A provider for tests whose behaviour is chosen by the upstream model name (TensorZero's dummy
 * provider). Plain and streamed alike:
 * <ul>
 *   <li>{@code echo}: answers {@code "<provider>/<model>: <last user message>"} (streamed word by word);
 *   <li>{@code slow-<ms>}: answers like {@code echo} after {@code ms} (a stream's first chunk then);
 *   <li>{@code flaky-<n>}: fails {@code n} times with a retryable 503, then answers;
 *   <li>{@code error-429}, {@code error-429-after-<ms>} (with Retry-After), {@code error-500},
 *       {@code error-400}, {@code error-401}: fails with that upstream status (429 and 5xx retryable);
 *   <li>{@code connect-fail}: a refused connection; {@code timeout}: a read timeout;
 *   <li>{@code empty}: an empty answer; {@code truncated}: finish reason {@code length} and no content;
 *   <li>{@code midstream-fail-<k>} (streams): {@code k} chunks, then a retryable 503.
 * </ul>
 * Counts calls per upstream model; streams count cancellations. Delays run on the call's executor.
 */
public final class FakeProvider implements ProviderAdapter {
    private final String id;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger cancelledStreams = new AtomicInteger();

    public FakeProvider(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Set<ProviderCapability> capabilities() {
        return EnumSet.of(ProviderCapability.CHAT, ProviderCapability.CHAT_STREAM);
    }

    /** How many calls (plain and streamed) this provider got for an upstream model. */
    public int calls(String upstreamModel) {
        AtomicInteger n = calls.get(upstreamModel);
        return n == null ? 0 : n.get();
    }

    public int totalCalls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public int cancelledStreams() {
        return cancelledStreams.get();
    }

    @Override
    public CompletionStage<ChatCompletion> chat(ProviderCall call) {
        String model = call.request().model();
        int n = calls.computeIfAbsent(model, m -> new AtomicInteger()).incrementAndGet();
        RuntimeException failure = failure(model, n);
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        ChatCompletion answer = switch (model) {
            case "empty" -> completion(model, "", "stop");
            case "truncated" -> completion(model, "", "length");
            case "function-call" -> legacyFunctionCall(model);
            default -> completion(model, answerText(call), "stop");
        };
        long delay = delayMillis(model);
        if (delay == 0) {
            return CompletableFuture.completedFuture(answer);
        }
        CompletableFuture<ChatCompletion> later = new CompletableFuture<>();
        call.executor().schedule(() -> later.complete(answer), delay, TimeUnit.MILLISECONDS);
        return later;
    }

    @Override
    public Flux<ChatChunk> chatStream(ProviderCall call) {
        return Flux.defer(() -> {
            String model = call.request().model();
            int n = calls.computeIfAbsent(model, m -> new AtomicInteger()).incrementAndGet();
            RuntimeException failure = failure(model, n);
            if (failure != null) {
                return Flux.error(failure);
            }
            List<ChatChunk> chunks = chunks(model, answerText(call));
            Flux<ChatChunk> out = Flux.fromIterable(chunks);
            if (model.startsWith("midstream-fail-")) {
                int k = Integer.parseInt(model.substring("midstream-fail-".length()));
                out = Flux.fromIterable(chunks.subList(0, Math.min(k, chunks.size())))
                        .concatWith(Flux.error(upstream(503, "failed mid-stream", null)));
            }
            long delay = delayMillis(model);
            if (delay > 0) {
                out = Mono.<Long>create(sink -> {
                    ScheduledFuture<?> timer = call.executor().schedule(() -> sink.success(delay), delay,
                            TimeUnit.MILLISECONDS);
                    sink.onCancel(() -> timer.cancel(false));
                }).thenMany(out);
            }
            return out;
        }).doOnCancel(cancelledStreams::incrementAndGet);
    }

    @Override
    public CompletionStage<EmbeddingResponse> embed(EmbeddingCall call) {
        return CompletableFuture.failedFuture(upstream(400, "embeddings are not faked", null));
    }

    private String answerText(ProviderCall call) {
        Message last = call.request().lastUserMessage();
        return id + "/" + call.request().model() + ": " + (last == null ? "" : last.text());
    }

    private RuntimeException failure(String model, int callNumber) {
        if (model.startsWith("flaky-")) {
            int failures = Integer.parseInt(model.substring("flaky-".length()));
            return callNumber <= failures ? upstream(503, "flaky: failure " + callNumber + " of " + failures, null) : null;
        }
        if (model.startsWith("error-429-after-")) {
            long ms = Long.parseLong(model.substring("error-429-after-".length()));
            return upstream(429, "rate limited", Duration.ofMillis(ms));
        }
        if (model.startsWith("error-")) {
            return upstream(Integer.parseInt(model.substring("error-".length())), "fake failure", null);
        }
        return switch (model) {
            case "connect-fail" -> UpstreamError.connection(id, "connection refused", null);
            case "timeout" -> new TimeoutError("provider '" + id + "' timed out");
            default -> null;
        };
    }

    private UpstreamError upstream(int status, String message, Duration retryAfter) {
        boolean retryable = status == 408 || status == 429 || status >= 500;
        return new UpstreamError(id, status, message, "fake_" + status, retryable, retryAfter, null);
    }

    private static long delayMillis(String model) {
        return model.startsWith("slow-") ? Long.parseLong(model.substring("slow-".length())) : 0;
    }

    private static ChatCompletion completion(String model, String text, String finish) {
        return new ChatCompletion("chatcmpl-fake", ChatCompletion.OBJECT, 1_700_000_000L, model,
                List.of(new ChatCompletion.Choice(0, Message.assistant(text), finish, Map.of())),
                Usage.of(5, 5), null, Map.of());
    }

    /** The answer to a {@code functions} request: no content, a legacy {@code function_call}. */
    private static ChatCompletion legacyFunctionCall(String model) {
        var call = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}");
        Message message = new Message("assistant", null, null, null, null, Map.of("function_call", call));
        return new ChatCompletion("chatcmpl-fake", ChatCompletion.OBJECT, 1_700_000_000L, model,
                List.of(new ChatCompletion.Choice(0, message, "function_call", Map.of())), Usage.of(5, 5), null,
                Map.of());
    }

    private static List<ChatChunk> chunks(String model, String text) {
        List<ChatChunk> out = new ArrayList<>();
        if (!model.equals("empty") && !model.equals("truncated")) {
            for (String word : text.split("(?<= )")) {
                out.add(chunk(model, ChatChunk.Delta.content(word), null));
            }
        }
        out.add(chunk(model, ChatChunk.Delta.content(""), model.equals("truncated") ? "length" : "stop"));
        return out;
    }

    private static ChatChunk chunk(String model, ChatChunk.Delta delta, String finish) {
        return new ChatChunk("chatcmpl-fake", ChatChunk.OBJECT, 1_700_000_000L, model,
                List.of(new ChatChunk.ChunkChoice(0, delta, finish, Map.of())), null, null, Map.of());
    }
}
