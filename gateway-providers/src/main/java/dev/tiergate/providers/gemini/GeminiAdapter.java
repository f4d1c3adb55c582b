package dev.tiergate.providers.gemini;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.provider.EmbeddingCall;
import dev.tiergate.core.provider.ProviderCall;
import dev.tiergate.core.provider.ProviderCapability;
import dev.tiergate.providers.gemini.GeminiWire.BatchEmbedResponse;
import dev.tiergate.providers.gemini.GeminiWire.GenerateContentResponse;
import dev.tiergate.providers.internal.AbstractProviderAdapter;
import dev.tiergate.providers.internal.UpstreamCalls;
import dev.tiergate.providers.internal.UpstreamCalls.Post;
import dev.tiergate.providers.internal.UpstreamUris;
import dev.tiergate.providers.transport.UpstreamClient;
import java.net.URI;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import reactor.core.publisher.Flux;

/**
 * The adapter for the Gemini API (Google AI Studio): {@code POST {baseUrl}/models/{model}:generateContent},
 * {@code :streamGenerateContent?alt=sse} and {@code :batchEmbedContents}, with the key in
 * {@code x-goog-api-key} and the configured extra headers. Requests and answers are translated by
 * {@link GeminiMapper} and, for streams, {@link GeminiStreamDecoder}. The model may be named with
 * or without its {@code models/} prefix.
 *
 * <p>Config: {@code base-url} defaults to {@value #DEFAULT_BASE_URL}; no options are read.
 * Embeddings report zero tokens, as Gemini counts none.
 *
 * <p>Wiring: {@code new GeminiAdapter(providerConfig, upstreamClient)} with a client the caller
 * owns, or {@code new GeminiAdapter(providerConfig)}, which creates its own client and closes it in
 * {@link #close()}.
 */
public final class GeminiAdapter extends AbstractProviderAdapter {
    public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";

    private static final Set<ProviderCapability> CAPABILITIES = EnumSet.of(
            ProviderCapability.CHAT, ProviderCapability.CHAT_STREAM, ProviderCapability.TOOLS,
            ProviderCapability.IMAGES, ProviderCapability.EMBEDDINGS);
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Clock clock;
    private final GeminiErrorMapper errors;
    private final GeminiMapper mapper;
    private final UpstreamCalls upstream;
    private final URI baseUrl;

    public GeminiAdapter(ProviderConfig config, UpstreamClient client) {
        this(config, client, false, Clock.systemUTC(), GeminiAdapter::randomId);
    }

    /** Creates and owns a client sized from {@code config}. */
    public GeminiAdapter(ProviderConfig config) {
        this(config, UpstreamClient.forProvider(config), true, Clock.systemUTC(), GeminiAdapter::randomId);
    }

    /** {@code clock} stamps {@code created} and reads Retry-After dates; {@code ids} names tool calls and answers. */
    GeminiAdapter(ProviderConfig config, UpstreamClient client, boolean ownsClient, Clock clock, Supplier<String> ids) {
        super(requireNonNull(config, "config").id(), CAPABILITIES);
        this.clock = requireNonNull(clock, "clock");
        this.errors = new GeminiErrorMapper(config.id(), clock);
        this.mapper = new GeminiMapper(ids);
        this.upstream = new UpstreamCalls(config, client, ownsClient, GeminiWire.mapper(), errors,
                UpstreamCalls.keyHeader(config, "x-goog-api-key", ""));
        this.baseUrl = config.baseUrl() != null ? config.baseUrl() : URI.create(DEFAULT_BASE_URL);
    }

    @Override
    public CompletionStage<ChatCompletion> chat(ProviderCall call) {
        ChatRequest request = call.request();
        return upstream.send(() -> new Post(uri(request.model(), "generateContent", null),
                        mapper.toRequest(request)), GenerateContentResponse.class, call.executor())
                .thenApply(response -> mapper.toCompletion(response, request.model(), clock.instant().getEpochSecond()));
    }

    @Override
    public Flux<ChatChunk> chatStream(ProviderCall call) {
        ChatRequest request = call.request();
        return upstream.stream(
                () -> new Post(uri(request.model(), "streamGenerateContent", "alt=sse"), mapper.toRequest(request)),
                body -> new GeminiStreamDecoder(mapper, errors, request.model(), clock.instant().getEpochSecond()).decode(body),
                call.executor());
    }

    @Override
    public CompletionStage<EmbeddingResponse> embed(EmbeddingCall call) {
        EmbeddingRequest request = call.request();
        return upstream.send(() -> new Post(uri(request.model(), "batchEmbedContents", null),
                        GeminiMapper.toEmbedRequest(request, modelName(request.model()))),
                BatchEmbedResponse.class, call.executor())
                .thenApply(response -> GeminiMapper.toEmbeddingResponse(response, request));
    }

    @Override
    public void close() {
        upstream.close();
    }

    /** {@code {base}/models/{model}:{method}}, the base's query and {@code query} at the end. */
    URI uri(String model, String method, String query) {
        return UpstreamUris.resolve(baseUrl, "models/" + modelName(model) + ":" + method, query);
    }

    private static String modelName(String model) {
        String name = model != null && model.startsWith("models/") ? model.substring("models/".length()) : model;
        if (name == null || !MODEL_NAME.matcher(name).matches()) {
            throw new InvalidRequestError("model: '" + model + "' (expected: a Gemini model name such as gemini-2.5-flash)",
                    "invalid_value", "model");
        }
        return name;
    }

    private static String randomId() {
        byte[] bytes = new byte[12];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
