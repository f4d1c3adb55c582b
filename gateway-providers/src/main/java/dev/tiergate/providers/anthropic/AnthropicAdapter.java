package dev.tiergate.providers.anthropic;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.AnthropicOrigin;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.provider.EmbeddingCall;
import dev.tiergate.core.provider.ProviderCall;
import dev.tiergate.core.provider.ProviderCapability;
import dev.tiergate.providers.anthropic.AnthropicWire.MessagesRequest;
import dev.tiergate.providers.anthropic.AnthropicWire.MessagesResponse;
import dev.tiergate.providers.internal.AbstractProviderAdapter;
import dev.tiergate.providers.internal.UpstreamCalls;
import dev.tiergate.providers.internal.UpstreamCalls.Post;
import dev.tiergate.providers.internal.UpstreamUris;
import dev.tiergate.providers.transport.UpstreamClient;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
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
 * {@link AnthropicStreamDecoder}; a call whose team has automatic prompt-cache breakpoints on gets
 * them from {@link CacheBreakpoints}. A request translated from an Anthropic Messages request goes
 * out as the client sent it instead ({@link OriginalMessages}: the gateway's breakpoints only when it
 * set none), and
 * its answer keeps what Anthropic sent ({@link AnthropicOrigin}) beside the translation. Anthropic
 * has no embeddings API: {@link #embed} fails with an {@link InvalidRequestError}.
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
public final class AnthropicAdapter extends AbstractProviderAdapter {
    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com/v1";
    public static final String DEFAULT_VERSION = "2023-06-01";
    public static final int DEFAULT_MAX_TOKENS = 4096;
    public static final String OPTION_VERSION = "anthropic-version";
    public static final String OPTION_DEFAULT_MAX_TOKENS = "default-max-tokens";

    private static final Set<ProviderCapability> CAPABILITIES = EnumSet.of(
            ProviderCapability.CHAT, ProviderCapability.CHAT_STREAM, ProviderCapability.TOOLS,
            ProviderCapability.IMAGES);

    private final Clock clock;
    private final AnthropicErrorMapper errors;
    private final AnthropicMapper mapper;
    private final UpstreamCalls upstream;
    private final URI messagesUri;
    private final Map<String, String> configuredHeaders;

    public AnthropicAdapter(ProviderConfig config, UpstreamClient client) {
        this(config, client, false, Clock.systemUTC());
    }

    /** Creates and owns a client sized from {@code config}. */
    public AnthropicAdapter(ProviderConfig config) {
        this(config, UpstreamClient.forProvider(config), true, Clock.systemUTC());
    }

    /** {@code clock} stamps {@code created} and reads Retry-After dates. */
    AnthropicAdapter(ProviderConfig config, UpstreamClient client, boolean ownsClient, Clock clock) {
        super(requireNonNull(config, "config").id(), CAPABILITIES);
        this.clock = requireNonNull(clock, "clock");
        this.errors = new AnthropicErrorMapper(config.id(), clock);
        this.mapper = new AnthropicMapper(positiveInt(config, OPTION_DEFAULT_MAX_TOKENS, DEFAULT_MAX_TOKENS));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("anthropic-version", config.option(OPTION_VERSION, DEFAULT_VERSION));
        headers.putAll(UpstreamCalls.keyHeader(config, "x-api-key", ""));
        this.upstream = new UpstreamCalls(config, client, ownsClient, Json.mapper(), errors, headers);
        URI base = config.baseUrl() != null ? config.baseUrl() : URI.create(DEFAULT_BASE_URL);
        this.messagesUri = UpstreamUris.resolve(base, "messages");
        this.configuredHeaders = config.headers();
    }

    /** Where chat requests go. */
    URI messagesUri() {
        return messagesUri;
    }

    @Override
    public CompletionStage<ChatCompletion> chat(ProviderCall call) {
        OriginalMessages original = OriginalMessages.of(call.request());
        if (original != null) {
            return upstream.send(() -> original.post(messagesUri, call.request().model(), false, configuredHeaders,
                    call.promptCaching().autoBreakpoints()),
                    ObjectNode.class, call.executor()).thenApply(this::faithfulCompletion);
        }
        return upstream.send(() -> new Post(messagesUri, body(call, false)),
                MessagesResponse.class, call.executor()).thenApply(message -> {
                    if (message.content() == null) {
                        throw errors.malformed("body is not a message", null);
                    }
                    return mapper.toCompletion(message, clock.instant().getEpochSecond());
                });
    }

    /**
     * The answer to an original Messages request: translated for the pipeline, with the message as
     * Anthropic sent it in {@link AnthropicOrigin#MESSAGE}.
     */
    private ChatCompletion faithfulCompletion(ObjectNode body) {
        MessagesResponse message;
        try {
            message = Json.mapper().treeToValue(body, MessagesResponse.class);
        } catch (IOException | IllegalArgumentException e) {
            throw errors.malformed("body is not a message", e);
        }
        if (message.content() == null) {
            throw errors.malformed("body is not a message", null);
        }
        ChatCompletion c = mapper.toCompletion(message, clock.instant().getEpochSecond());
        Map<String, JsonNode> extra = new LinkedHashMap<>(c.extra());
        extra.put(AnthropicOrigin.MESSAGE, body);
        return new ChatCompletion(c.id(), c.object(), c.created(), c.model(), c.choices(), c.usage(),
                c.systemFingerprint(), extra);
    }

    @Override
    public Flux<ChatChunk> chatStream(ProviderCall call) {
        OriginalMessages original = OriginalMessages.of(call.request());
        if (original != null) {
            return upstream.stream(() -> original.post(messagesUri, call.request().model(), true, configuredHeaders,
                    call.promptCaching().autoBreakpoints()),
                    body -> new AnthropicStreamDecoder(errors, clock.instant().getEpochSecond(), true).decode(body),
                    call.executor());
        }
        return upstream.stream(() -> new Post(messagesUri, body(call, true)),
                body -> new AnthropicStreamDecoder(errors, clock.instant().getEpochSecond()).decode(body),
                call.executor());
    }

    /**
     * The Messages request of a call: the mapped request, with automatic prompt-cache breakpoints
     * ({@link CacheBreakpoints}) when the call's team has them on.
     */
    private Object body(ProviderCall call, boolean stream) {
        MessagesRequest request = mapper.toRequest(call.request(), stream);
        if (!call.promptCaching().autoBreakpoints()) {
            return request;
        }
        ObjectNode body = Json.mapper().valueToTree(request);
        CacheBreakpoints.place(body, call.request().model());
        return body;
    }

    @Override
    public CompletionStage<EmbeddingResponse> embed(EmbeddingCall call) {
        return CompletableFuture.failedFuture(new InvalidRequestError("model '" + call.model().name()
                + "': provider '" + id() + "' (Anthropic) has no embeddings API"
                + " (expected: an embedding model of another provider)", "model_not_supported", "model"));
    }

    @Override
    public void close() {
        upstream.close();
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
}
