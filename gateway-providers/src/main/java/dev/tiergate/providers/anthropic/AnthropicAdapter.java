package dev.tiergate.providers.anthropic;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.error.InternalGatewayError;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.provider.EmbeddingCall;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderCall;
import dev.tiergate.core.provider.ProviderCapability;
import dev.tiergate.providers.anthropic.AnthropicWire.MessagesRequest;
import dev.tiergate.providers.anthropic.AnthropicWire.MessagesResponse;
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
import reactor.core.publisher.Flux;

/**
 * The adapter for Anthropic's Messages API: {@code POST {baseUrl}/messages} with {@code x-api-key},
 * {@code anthropic-version} and the configured extra headers (e.g. {@code anthropic-beta}).
 * Requests and answers are translated by {@link AnthropicMapper} and, for streams,
 * {@link AnthropicStreamDecoder}. Anthropic has no embeddings API: {@link #embed} fails with an
 * {@link InvalidRequestError}.
 *
 * <p>Config: {@code base-url} defaults to {@value #DEFAULT_BASE_URL}; options
 * {@code anthropic-version} (default {@value #DEFAULT_VERSION}) and {@code default-max-tokens}
 * (default {@value #DEFAULT_MAX_TOKENS}, sent when the request sets neither {@code max_tokens} nor
 * {@code max_completion_tokens}, which Anthropic requires).
 *
 * <p>Wiring: {@code new AnthropicAdapter(providerConfig, upstreamClient)} with a client the caller
 * owns, or {@code new AnthropicAdapter(providerConfig)}, which creates its own client and closes it
 * in {@link #close()}.
 */
public final class AnthropicAdapter implements ProviderAdapter {
    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com/v1";
    public static final String DEFAULT_VERSION = "2023-06-01";
    public static final int DEFAULT_MAX_TOKENS = 4096;
    public static final String OPTION_VERSION = "anthropic-version";
    public static final String OPTION_DEFAULT_MAX_TOKENS = "default-max-tokens";

    private static final Set<ProviderCapability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            ProviderCapability.CHAT, ProviderCapability.CHAT_STREAM, ProviderCapability.TOOLS,
            ProviderCapability.IMAGES));

    private final ProviderConfig config;
    private final UpstreamClient client;
    private final boolean ownsClient;
    private final Clock clock;
    private final AnthropicErrorMapper errors;
    private final AnthropicMapper mapper;
    private final URI messagesUri;
    private final String version;

    public AnthropicAdapter(ProviderConfig config, UpstreamClient client) {
        this(config, client, false, Clock.systemUTC());
    }

    /** Creates and owns a client sized from {@code config}. */
    public AnthropicAdapter(ProviderConfig config) {
        this(config, new UpstreamClient(UpstreamOptions.from(config)), true, Clock.systemUTC());
    }

    /** {@code clock} stamps {@code created} and reads Retry-After dates. */
    AnthropicAdapter(ProviderConfig config, UpstreamClient client, boolean ownsClient, Clock clock) {
        this.config = requireNonNull(config, "config");
        this.client = requireNonNull(client, "client");
        this.clock = requireNonNull(clock, "clock");
        requireNonNull(config.id(), "config.id");
        this.ownsClient = ownsClient;
        this.errors = new AnthropicErrorMapper(config.id(), clock);
        this.mapper = new AnthropicMapper(positiveInt(config, OPTION_DEFAULT_MAX_TOKENS, DEFAULT_MAX_TOKENS));
        this.version = config.option(OPTION_VERSION, DEFAULT_VERSION);
        URI base = config.baseUrl() != null ? config.baseUrl() : URI.create(DEFAULT_BASE_URL);
        this.messagesUri = resolve(base, "messages");
    }

    /** Where chat requests go. */
    URI messagesUri() {
        return messagesUri;
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
        UpstreamRequest request;
        try {
            request = UpstreamRequest.post(messagesUri, headers("application/json"),
                    toJson(mapper.toRequest(call.request(), false)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(errors.map(e));
        }
        return client.send(request, call.executor()).handle((response, failure) -> {
            if (failure != null) {
                throw errors.map(failure);
            }
            return mapper.toCompletion(parse(response), clock.instant().getEpochSecond());
        });
    }

    @Override
    public Flux<ChatChunk> chatStream(ProviderCall call) {
        ChatRequest request = call.request();
        boolean includeUsage = request.streamOptions() != null && request.streamOptions().wantsUsage();
        return Flux.defer(() -> {
            MessagesRequest body = mapper.toRequest(request, true);
            AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(errors, includeUsage,
                    clock.instant().getEpochSecond());
            UpstreamRequest upstream = UpstreamRequest.post(messagesUri, headers("text/event-stream"), toJson(body));
            return decoder.decode(client.stream(upstream, call.executor()));
        }).onErrorMap(errors::map);
    }

    @Override
    public CompletionStage<EmbeddingResponse> embed(EmbeddingCall call) {
        return CompletableFuture.failedFuture(new InvalidRequestError("model '" + call.model().name()
                + "': provider '" + config.id() + "' (Anthropic) has no embeddings API"
                + " (expected: an embedding model of another provider)", "model_not_supported", "model"));
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    private MessagesResponse parse(UpstreamResponse response) {
        if (!response.isSuccess()) {
            throw errors.fromResponse(response);
        }
        try {
            MessagesResponse message = Json.mapper().readValue(response.body(), MessagesResponse.class);
            if (message == null || message.content() == null) {
                throw errors.malformed("body is not a message", null);
            }
            return message;
        } catch (IOException e) {
            throw errors.malformed("body is not a message", e);
        }
    }

    private Map<String, String> headers(String accept) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", accept);
        headers.put("anthropic-version", version);
        if (config.apiKey() != null && !config.apiKey().isEmpty()) {
            headers.put("x-api-key", config.apiKey());
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

    private static int positiveInt(ProviderConfig config, String option, int defaultValue) {
        String value = config.option(option, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("providers." + config.id() + ".options." + option + ": " + value
                + " (expected: a positive integer)");
    }

    /** {@code base} and {@code path} joined by one slash, the base's query kept at the end. */
    static URI resolve(URI base, String path) {
        String basePath = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        String query = base.getRawQuery() == null || base.getRawQuery().isEmpty() ? "" : "?" + base.getRawQuery();
        return URI.create(base.getScheme() + "://" + base.getRawAuthority() + basePath + "/" + path + query);
    }
}
