package dev.tiergate.providers.openai;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.model.Extras;
import dev.tiergate.core.model.StreamOptions;
import dev.tiergate.core.provider.EmbeddingCall;
import dev.tiergate.core.provider.PassThrough;
import dev.tiergate.core.provider.ProviderCall;
import dev.tiergate.core.provider.ProviderCapability;
import dev.tiergate.providers.internal.AbstractProviderAdapter;
import dev.tiergate.providers.internal.UpstreamCalls;
import dev.tiergate.providers.internal.UpstreamCalls.Post;
import dev.tiergate.providers.internal.UpstreamUris;
import dev.tiergate.providers.transport.UpstreamClient;
import java.net.URI;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import reactor.core.publisher.Flux;

/**
 * The adapter for OpenAI and OpenAI-compatible APIs (Azure OpenAI, vLLM, Ollama, ...). Requests
 * already are in OpenAI's format, so they go out as they are: {@code POST {baseUrl}/chat/completions}
 * and {@code POST {baseUrl}/embeddings}, with {@code Authorization: Bearer <apiKey>} when a key is
 * set and the configured extra headers (Azure: put {@code api-key} there and leave the key empty).
 * The base URL ends with the version ({@code https://api.openai.com/v1}); a query string in it
 * ({@code ?api-version=...}) is kept at the end of every URL.
 *
 * <p>Streams always ask for the provider's usage ({@code stream_options.include_usage: true}), which
 * comes back as a last, usage-only chunk, whatever the client asked for. Option
 * {@code stream-usage: false} is for a server that refuses {@code stream_options}: the request's own
 * are then sent unchanged.
 *
 * <p>For a client that speaks OpenAI chat completions too ({@link ProviderCall#passThrough()}), bytes
 * are forwarded rather than re-encoded: the client's body goes out with only {@code model},
 * {@code stream} and {@code stream_options} patched, and the upstream's answer (the body, or each
 * stream event) is kept beside the decoded one for the server to send as it came.
 *
 * <p>Wiring: {@code new OpenAiAdapter(providerConfig, upstreamClient)} with a client the caller
 * owns (e.g. {@code UpstreamClient.forProvider(providerConfig)}), or
 * {@code new OpenAiAdapter(providerConfig)}, which creates its own client and closes it in
 * {@link #close()}.
 */
public final class OpenAiAdapter extends AbstractProviderAdapter {
    private static final Set<ProviderCapability> CAPABILITIES = EnumSet.of(
            ProviderCapability.CHAT, ProviderCapability.CHAT_STREAM, ProviderCapability.TOOLS,
            ProviderCapability.IMAGES, ProviderCapability.EMBEDDINGS);

    /** OpenAI's request field naming the prompt cache a request should go to. */
    static final String PROMPT_CACHE_KEY = "prompt_cache_key";

    private final OpenAiErrorMapper errors;
    private final UpstreamCalls upstream;
    private final URI chatUri;
    private final URI embeddingsUri;
    private final boolean streamUsage;
    private final boolean promptCacheKey;

    public OpenAiAdapter(ProviderConfig config, UpstreamClient client) {
        this(config, client, false, Clock.systemUTC());
    }

    /** Creates and owns a client sized from {@code config}. */
    public OpenAiAdapter(ProviderConfig config) {
        this(config, UpstreamClient.forProvider(config), true, Clock.systemUTC());
    }

    /** {@code clock} reads Retry-After dates. */
    OpenAiAdapter(ProviderConfig config, UpstreamClient client, boolean ownsClient, Clock clock) {
        super(requireNonNull(config, "config").id(), CAPABILITIES);
        requireNonNull(config.baseUrl(), "config.baseUrl");
        this.errors = new OpenAiErrorMapper(config.id(), clock);
        this.upstream = new UpstreamCalls(config, client, ownsClient, OpenAiJson.reader(), errors,
                UpstreamCalls.keyHeader(config, "authorization", "Bearer "));
        this.chatUri = UpstreamUris.resolve(config.baseUrl(), "chat/completions");
        this.embeddingsUri = UpstreamUris.resolve(config.baseUrl(), "embeddings");
        this.streamUsage = !"false".equalsIgnoreCase(config.option("stream-usage", "true").strip());
        boolean openAi = "api.openai.com".equalsIgnoreCase(config.baseUrl().getHost());
        this.promptCacheKey = "true".equalsIgnoreCase(config.option("prompt-cache-key", openAi ? "true" : "false").strip());
    }

    /**
     * The request with the call's {@code prompt_cache_key} when the client sent none, the team
     * sends keys and this provider takes them (option {@code prompt-cache-key}: on by default for
     * api.openai.com only, as OpenAI-compatible servers may refuse unknown fields).
     */
    private ChatRequest withCacheKey(ChatRequest request, ProviderCall call) {
        String key = call.promptCaching().cacheKey();
        if (!promptCacheKey || key == null || request.extra().containsKey(PROMPT_CACHE_KEY)) {
            return request;
        }
        Map<String, JsonNode> extra = new LinkedHashMap<>(request.extra());
        extra.put(PROMPT_CACHE_KEY, TextNode.valueOf(key));
        return request.withExtra(extra);
    }

    @Override
    public CompletionStage<ChatCompletion> chat(ProviderCall call) {
        ChatRequest asked = withCacheKey(upstreamRequest(call), call);
        ChatRequest request = asked.isStream() ? asked.withStream(null, null) : asked;
        PassThrough passThrough = call.passThrough();
        if (passThrough == null) {
            return upstream.send(() -> new Post(chatUri, request), ChatCompletion.class, OpenAiAnswerScan::completion,
                    call.executor(), (answer, body) -> { });
        }
        return upstream.send(() -> new Post(chatUri, OpenAiRequestBody.of(request, passThrough)), ChatCompletion.class,
                OpenAiAnswerScan::completion, call.executor(), passThrough::keep);
    }

    @Override
    public Flux<ChatChunk> chatStream(ProviderCall call) {
        ChatRequest asked = withCacheKey(upstreamRequest(call), call);
        // the provider's usage always comes back as the last chunk; stream-usage: false is for a
        // server that refuses stream_options: the request's own are sent as they are
        ChatRequest request = asked.withStream(true,
                streamUsage ? StreamOptions.withUsage(asked.streamOptions(), true) : asked.streamOptions());
        PassThrough passThrough = call.passThrough();
        return upstream.stream(() -> new Post(chatUri, passThrough == null ? request
                        : OpenAiRequestBody.of(request, passThrough)),
                body -> new OpenAiStreamDecoder(errors, passThrough).decode(body), call.executor());
    }

    /** The request without the gateway's own extra fields, which are not the provider's business. */
    private static ChatRequest upstreamRequest(ProviderCall call) {
        ChatRequest request = call.request();
        var extra = Extras.forUpstream(request.extra());
        return extra == request.extra() ? request : request.withExtra(extra);
    }

    @Override
    public CompletionStage<EmbeddingResponse> embed(EmbeddingCall call) {
        return upstream.send(() -> new Post(embeddingsUri, call.request()), EmbeddingResponse.class, call.executor());
    }

    @Override
    public void close() {
        upstream.close();
    }
}
