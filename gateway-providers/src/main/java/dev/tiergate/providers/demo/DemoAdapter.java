package dev.tiergate.providers.demo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.provider.EmbeddingCall;
import dev.tiergate.core.provider.ProviderCall;
import dev.tiergate.core.provider.ProviderCapability;
import dev.tiergate.providers.internal.AbstractProviderAdapter;
import dev.tiergate.core.tokens.TokenCounter;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tiergate's built-in simulated model, so that a newcomer with no provider key sees the gateway
 * work. It answers deterministically (the same question gets the same answer), streams one word
 * per chunk at a realistic pace, and reports usage counted with a real tokenizer (the gateway's
 * {@link TokenCounter}, OpenAI's o200k_base with chat framing; a stream ends with a usage-only
 * chunk, as every adapter's does). Nothing leaves the process. Used only where a config names a
 * provider of {@code type: demo}.
 *
 * <p>Options: {@code first-token-ms} (default 40), {@code chunk-delay-ms} (default 15) and
 * {@code embedding-dimensions} (default 256). Timers run on the caller's event loop.
 */
public final class DemoAdapter extends AbstractProviderAdapter {
    private static final Set<ProviderCapability> CAPABILITIES = EnumSet.of(
            ProviderCapability.CHAT, ProviderCapability.CHAT_STREAM, ProviderCapability.EMBEDDINGS);

    private final long firstTokenMillis;
    private final long chunkDelayMillis;
    private final int embeddingDimensions;
    private final Clock clock;
    private final TokenCounter tokens;

    /** {@code tokens} counts the usage the demo model reports. */
    public DemoAdapter(ProviderConfig config, TokenCounter tokens) {
        this(config, tokens, Clock.systemUTC());
    }

    DemoAdapter(ProviderConfig config, TokenCounter tokens, Clock clock) {
        super(requireNonNull(config, "config").id(), CAPABILITIES);
        this.tokens = requireNonNull(tokens, "tokens");
        this.firstTokenMillis = nonNegative(config, "first-token-ms", 40);
        this.chunkDelayMillis = nonNegative(config, "chunk-delay-ms", 15);
        this.embeddingDimensions = (int) nonNegative(config, "embedding-dimensions", 256);
        if (embeddingDimensions < 1 || embeddingDimensions > 4096) {
            throw new IllegalArgumentException("provider '" + id() + "': option embedding-dimensions: "
                    + embeddingDimensions + " (expected: 1 to 4096)");
        }
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public CompletionStage<ChatCompletion> chat(ProviderCall call) {
        DemoReply reply = DemoReply.of(call, tokens);
        ChatCompletion completion = new ChatCompletion(newId(), ChatCompletion.OBJECT, now(), reply.model(),
                List.of(new ChatCompletion.Choice(0, Message.assistant(reply.text()), reply.finishReason(), Map.of())),
                reply.usage(), null, Map.of());
        long delay = firstTokenMillis + chunkDelayMillis * Math.max(0, reply.chunks().size() - 1);
        CompletableFuture<ChatCompletion> answer = new CompletableFuture<>();
        ScheduledFuture<?> timer = call.executor().schedule(() -> answer.complete(completion), delay,
                TimeUnit.MILLISECONDS);
        answer.whenComplete((value, failure) -> timer.cancel(false));
        return answer;
    }

    @Override
    public Flux<ChatChunk> chatStream(ProviderCall call) {
        return Flux.defer(() -> {
            DemoReply reply = DemoReply.of(call, tokens);
            String completionId = newId();
            long created = now();
            List<ChatChunk> chunks = new ArrayList<>();
            chunks.add(chunk(completionId, created, reply.model(), new ChatChunk.Delta("assistant", "", null, Map.of()),
                    null));
            for (String piece : reply.chunks()) {
                chunks.add(chunk(completionId, created, reply.model(), ChatChunk.Delta.content(piece), null));
            }
            chunks.add(chunk(completionId, created, reply.model(), new ChatChunk.Delta(null, null, null, Map.of()),
                    reply.finishReason()));
            chunks.add(new ChatChunk(completionId, ChatChunk.OBJECT, created, reply.model(), List.of(),
                    reply.usage(), null, Map.of()));
            ScheduledExecutorService executor = call.executor();
            List<Mono<ChatChunk>> paced = new ArrayList<>(chunks.size());
            for (int i = 0; i < chunks.size(); i++) {
                long delay = i == 0 ? 0 : i == 1 ? firstTokenMillis : i <= reply.chunks().size() ? chunkDelayMillis : 0;
                paced.add(after(executor, delay, chunks.get(i)));
            }
            return Flux.concat(paced);
        });
    }

    @Override
    public CompletionStage<EmbeddingResponse> embed(EmbeddingCall call) {
        List<String> inputs;
        try {
            inputs = call.request().textInputs();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new InvalidRequestError(
                    "the demo provider embeds text inputs only (a string or an array of strings)", "invalid_value",
                    "input"));
        }
        ArrayNode data = Json.mapper().createArrayNode();
        int counted = 0;
        for (int i = 0; i < inputs.size(); i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            ArrayNode vector = item.putArray("embedding");
            for (float value : vector(inputs.get(i))) {
                vector.add(value);
            }
            counted += tokens.text(inputs.get(i));
        }
        List<JsonNode> items = new ArrayList<>();
        data.forEach(items::add);
        return CompletableFuture.completedFuture(new EmbeddingResponse("list", items, call.request().model(),
                new Usage(counted, null, counted, Map.of()), Map.of()));
    }

    /** A deterministic unit vector drawn from the text's hash. */
    float[] vector(String text) {
        float[] vector = new float[embeddingDimensions];
        double norm = 0;
        String seed = HexFormat.of().formatHex(DemoAnswers.sha256(text));
        int filled = 0;
        for (int block = 0; filled < vector.length; block++) {
            ByteBuffer bytes = ByteBuffer.wrap(DemoAnswers.sha256(seed + ":" + block));
            while (bytes.remaining() >= 2 && filled < vector.length) {
                float value = bytes.getShort() / 32768f;
                vector[filled++] = value;
                norm += value * value;
            }
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < vector.length; i++) {
            vector[i] *= scale;
        }
        return vector;
    }

    private static Mono<ChatChunk> after(ScheduledExecutorService executor, long delayMillis, ChatChunk chunk) {
        if (delayMillis == 0) {
            return Mono.just(chunk);
        }
        return Mono.create(sink -> {
            ScheduledFuture<?> timer = executor.schedule(() -> sink.success(chunk), delayMillis,
                    TimeUnit.MILLISECONDS);
            sink.onCancel(() -> timer.cancel(false));
        });
    }

    private static ChatChunk chunk(String id, long created, String model, ChatChunk.Delta delta, String finish) {
        return new ChatChunk(id, ChatChunk.OBJECT, created, model,
                List.of(new ChatChunk.ChunkChoice(0, delta, finish, Map.of())), null, null, Map.of());
    }

    private String newId() {
        return "chatcmpl-demo-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private static long nonNegative(ProviderConfig config, String option, long defaultValue) {
        String raw = config.option(option, null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw.strip());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("provider '" + config.id() + "': option " + option + ": '" + raw
                + "' (expected: a whole number >= 0)");
    }

    /** What the demo model says to one call, cut at max_tokens like a real model. */
    private record DemoReply(String model, String text, List<String> chunks, String finishReason, Usage usage) {
        static DemoReply of(ProviderCall call, TokenCounter tokens) {
            ChatRequest request = call.request();
            String model = request.model();
            List<String> chunks = DemoAnswers.chunks(DemoAnswers.answer(model, request));
            Integer limit = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
            String finish = "stop";
            if (limit != null) {
                List<String> kept = new ArrayList<>();
                int counted = 0;
                for (String chunk : chunks) {
                    int cost = tokens.text(chunk);
                    if (counted + cost > limit) {
                        finish = "length";
                        break;
                    }
                    kept.add(chunk);
                    counted += cost;
                }
                chunks = kept;
            }
            String text = String.join("", chunks);
            Usage usage = Usage.of(tokens.prompt(request), tokens.text(text));
            return new DemoReply(model, text, List.copyOf(chunks), finish, usage);
        }
    }
}
