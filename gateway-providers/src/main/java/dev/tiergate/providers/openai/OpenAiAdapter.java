package dev.tiergate.providers.openai;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.error.InternalGatewayError;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.model.StreamOptions;
import dev.tiergate.core.provider.EmbeddingCall;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderCall;
import dev.tiergate.core.provider.ProviderCapability;
import dev.tiergate.providers.transport.UpstreamClient;
import dev.tiergate.providers.transport.UpstreamOptions;
import dev.tiergate.providers.transport.UpstreamRequest;
import dev.tiergate.providers.transport.UpstreamResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import reactor.core.publisher.Flux;

/**
 * The adapter for OpenAI and OpenAI-compatible APIs (Azure OpenAI, vLLM, Ollama, ...). Requests
 * already are in OpenAI's format, so they go out as they are: {@code POST {baseUrl}/chat/completions}
 * and {@code POST {baseUrl}/embeddings}, with {@code Authorization: Bearer <apiKey>} when a key is
 * set and the configured extra headers (Azure: put {@code api-key} there and leave the key empty).
 * The base URL ends with the version ({@code https://api.openai.com/v1}); a query string in it
 * ({@code ?api-version=...}) is kept at the end of every URL.
 *
 * <p>Wiring: {@code new OpenAiAdapter(providerConfig, upstreamClient)} with a client the caller
 * owns (e.g. {@code new UpstreamClient(UpstreamOptions.from(providerConfig))}), or
 * {@code new OpenAiAdapter(providerConfig)}, which creates its own client and closes it in
 * {@link #close()}.
 */
public final class OpenAiAdapter implements ProviderAdapter {
    private static final Set<ProviderCapability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            ProviderCapability.CHAT, ProviderCapability.CHAT_STREAM, ProviderCapability.TOOLS,
            ProviderCapability.IMAGES, ProviderCapability.EMBEDDINGS));

    private final ProviderConfig config;
    private final UpstreamClient client;
    private final boolean ownsClient;
    private final OpenAiErrorMapper errors;
    private final URI chatUri;
    private final URI embeddingsUri;
    private final boolean streamUsage;

    public OpenAiAdapter(ProviderConfig config, UpstreamClient client) {
        this(config, client, false, Clock.systemUTC());
    }

    /** Creates and owns a client sized from {@code config}. */
    public OpenAiAdapter(ProviderConfig config) {
        this(config, new UpstreamClient(UpstreamOptions.from(config)), true, Clock.systemUTC());
    }

    /** {@code clock} reads Retry-After dates. */
    OpenAiAdapter(ProviderConfig config, UpstreamClient client, boolean ownsClient, Clock clock) {
        this.config = requireNonNull(config, "config");
        this.client = requireNonNull(client, "client");
        requireNonNull(config.id(), "config.id");
        requireNonNull(config.baseUrl(), "config.baseUrl");
        this.ownsClient = ownsClient;
        this.errors = new OpenAiErrorMapper(config.id(), clock);
        this.chatUri = OpenAiEndpoints.resolve(config.baseUrl(), "chat/completions");
        this.embeddingsUri = OpenAiEndpoints.resolve(config.baseUrl(), "embeddings");
        this.streamUsage = !"false".equalsIgnoreCase(config.option("stream-usage", "true").strip());
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
        ChatRequest request = call.request().isStream() ? call.request().withStream(null, null) : call.request();
        return exchange(chatUri, request, call.executor(), ChatCompletion.class);
    }

    @Override
    public Flux<ChatChunk> chatStream(ProviderCall call) {
        ChatRequest asked = call.request();
        // stream-usage: false is for a server that rejects stream_options: usage is then counted with a tokenizer
        boolean dropUsage = !streamUsage && asked.streamOptions() != null && asked.streamOptions().wantsUsage();
        ChatRequest request = asked.isStream() && !dropUsage ? asked
                : asked.withStream(true, dropUsage ? StreamOptions.withUsage(asked.streamOptions(), false)
                        : asked.streamOptions());
        return Flux.defer(() -> {
            OpenAiStreamDecoder decoder = new OpenAiStreamDecoder(errors);
            UpstreamRequest upstream = UpstreamRequest.post(chatUri, headers("text/event-stream"), toJson(request));
            return decoder.decode(client.stream(upstream, call.executor()));
        }).onErrorMap(errors::map);
    }

    @Override
    public CompletionStage<EmbeddingResponse> embed(EmbeddingCall call) {
        return exchange(embeddingsUri, call.request(), call.executor(), EmbeddingResponse.class);
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    private <T> CompletionStage<T> exchange(URI uri, Object body, Executor executor, Class<T> type) {
        UpstreamRequest request;
        try {
            request = UpstreamRequest.post(uri, headers("application/json"), toJson(body));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(errors.map(e));
        }
        return client.send(request, executor).handle((response, failure) -> {
            if (failure != null) {
                throw errors.map(failure);
            }
            return parse(response, type);
        });
    }

    private <T> T parse(UpstreamResponse response, Class<T> type) {
        if (!response.isSuccess()) {
            throw errors.fromResponse(response);
        }
        try {
            return OpenAiJson.reader().readValue(response.body(), type);
        } catch (IOException e) {
            throw errors.malformed("body is not a " + type.getSimpleName(), e);
        }
    }

    private Map<String, String> headers(String accept) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", accept);
        if (config.apiKey() != null && !config.apiKey().isEmpty()) {
            headers.put("authorization", "Bearer " + config.apiKey());
        }
        headers.putAll(config.headers());
        return headers;
    }

    private static byte[] toJson(Object body) {
        try {
            return Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new InternalGatewayError("cannot serialise the upstream request: " + e.getOriginalMessage(), e);
        }
    }
}
