package dev.tiergate.providers.gemini;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.error.InternalGatewayError;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.provider.EmbeddingCall;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderCall;
import dev.tiergate.core.provider.ProviderCapability;
import dev.tiergate.providers.gemini.GeminiWire.BatchEmbedResponse;
import dev.tiergate.providers.gemini.GeminiWire.GenerateContentResponse;
import dev.tiergate.providers.transport.UpstreamClient;
import dev.tiergate.providers.transport.UpstreamOptions;
import dev.tiergate.providers.transport.UpstreamRequest;
import dev.tiergate.providers.transport.UpstreamResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
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
public final class GeminiAdapter implements ProviderAdapter {
    public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";

    private static final Set<ProviderCapability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            ProviderCapability.CHAT, ProviderCapability.CHAT_STREAM, ProviderCapability.TOOLS,
            ProviderCapability.IMAGES, ProviderCapability.EMBEDDINGS));
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final ProviderConfig config;
    private final UpstreamClient client;
    private final boolean ownsClient;
    private final Clock clock;
    private final GeminiErrorMapper errors;
    private final GeminiMapper mapper;
    private final URI baseUrl;

    public GeminiAdapter(ProviderConfig config, UpstreamClient client) {
        this(config, client, false, Clock.systemUTC(), GeminiAdapter::randomId);
    }

    /** Creates and owns a client sized from {@code config}. */
    public GeminiAdapter(ProviderConfig config) {
        this(config, new UpstreamClient(UpstreamOptions.from(config)), true, Clock.systemUTC(), GeminiAdapter::randomId);
    }

    /** {@code clock} stamps {@code created} and reads Retry-After dates; {@code ids} names tool calls and answers. */
    GeminiAdapter(ProviderConfig config, UpstreamClient client, boolean ownsClient, Clock clock, Supplier<String> ids) {
        this.config = requireNonNull(config, "config");
        this.client = requireNonNull(client, "client");
        this.clock = requireNonNull(clock, "clock");
        requireNonNull(config.id(), "config.id");
        this.ownsClient = ownsClient;
        this.errors = new GeminiErrorMapper(config.id(), clock);
        this.mapper = new GeminiMapper(ids);
        this.baseUrl = config.baseUrl() != null ? config.baseUrl() : URI.create(DEFAULT_BASE_URL);
    }

    @Override
    public String id() {
        return config.id();
    }

    @Override
    public Set<ProviderCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public CompletionStage<ChatCompletion> chat(ProviderCall call) {
        ChatRequest request = call.request();
        return exchange(() -> UpstreamRequest.post(uri(request.model(), "generateContent", null),
                        headers("application/json"), toJson(mapper.toRequest(request))),
                call.executor(), GenerateContentResponse.class,
                response -> mapper.toCompletion(response, request.model(), clock.instant().getEpochSecond()));
    }

    @Override
    public Flux<ChatChunk> chatStream(ProviderCall call) {
        ChatRequest request = call.request();
        boolean includeUsage = request.streamOptions() != null && request.streamOptions().wantsUsage();
        return Flux.defer(() -> {
            UpstreamRequest upstream = UpstreamRequest.post(uri(request.model(), "streamGenerateContent", "alt=sse"),
                    headers("text/event-stream"), toJson(mapper.toRequest(request)));
            GeminiStreamDecoder decoder = new GeminiStreamDecoder(mapper, errors, request.model(), includeUsage,
                    clock.instant().getEpochSecond());
            return decoder.decode(client.stream(upstream, call.executor()));
        }).onErrorMap(errors::map);
    }

    @Override
    public CompletionStage<EmbeddingResponse> embed(EmbeddingCall call) {
        EmbeddingRequest request = call.request();
        return exchange(() -> UpstreamRequest.post(uri(request.model(), "batchEmbedContents", null),
                        headers("application/json"), toJson(GeminiMapper.toEmbedRequest(request, modelName(request.model())))),
                call.executor(), BatchEmbedResponse.class,
                response -> GeminiMapper.toEmbeddingResponse(response, request));
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    private <W, T> CompletionStage<T> exchange(Supplier<UpstreamRequest> build, Executor executor, Class<W> wireType,
                                               Function<W, T> translate) {
        UpstreamRequest request;
        try {
            request = build.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(errors.map(e));
        }
        return client.send(request, executor).handle((response, failure) -> {
            if (failure != null) {
                throw errors.map(failure);
            }
            return translate.apply(parse(response, wireType));
        });
    }

    private <W> W parse(UpstreamResponse response, Class<W> type) {
        if (!response.isSuccess()) {
            throw errors.fromResponse(response);
        }
        try {
            W value = GeminiWire.mapper().readValue(response.body(), type);
            if (value == null) {
                throw errors.malformed("empty body (expected: a " + type.getSimpleName() + ")", null);
            }
            return value;
        } catch (IOException e) {
            throw errors.malformed("body is not a " + type.getSimpleName(), e);
        }
    }

    /** {@code {base}/models/{model}:{method}}, the base's query and {@code query} at the end. */
    URI uri(String model, String method, String query) {
        String basePath = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath().replaceAll("/+$", "");
        StringBuilder out = new StringBuilder().append(baseUrl.getScheme()).append("://")
                .append(baseUrl.getRawAuthority()).append(basePath)
                .append("/models/").append(modelName(model)).append(':').append(method);
        String baseQuery = baseUrl.getRawQuery() == null || baseUrl.getRawQuery().isEmpty() ? null : baseUrl.getRawQuery();
        if (baseQuery != null || query != null) {
            out.append('?').append(baseQuery == null ? query : query == null ? baseQuery : baseQuery + "&" + query);
        }
        return URI.create(out.toString());
    }

    private static String modelName(String model) {
        String name = model != null && model.startsWith("models/") ? model.substring("models/".length()) : model;
        if (name == null || !MODEL_NAME.matcher(name).matches()) {
            throw new InvalidRequestError("model: '" + model + "' (expected: a Gemini model name such as gemini-2.5-flash)",
                    "invalid_value", "model");
        }
        return name;
    }

    private Map<String, String> headers(String accept) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", accept);
        if (config.apiKey() != null && !config.apiKey().isEmpty()) {
            headers.put("x-goog-api-key", config.apiKey());
        }
        headers.putAll(config.headers());
        return headers;
    }

    private static byte[] toJson(Object body) {
        try {
            return GeminiWire.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new InternalGatewayError("cannot serialise the upstream request: " + e.getOriginalMessage(), e);
        }
    }

    private static String randomId() {
        byte[] bytes = new byte[12];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
