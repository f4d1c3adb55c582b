package dev.tiergate.providers.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.error.InternalGatewayError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.provider.PropagatedHeaders;
import dev.tiergate.providers.transport.UpstreamClient;
import dev.tiergate.providers.transport.UpstreamRequest;
import dev.tiergate.providers.transport.UpstreamResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;

/**
 * The HTTP side every provider adapter shares: a JSON body POSTed with the provider's headers and
 * the configured extra ones, a plain answer read into the provider's wire type, a streamed answer
 * handed to the provider's stream decoder, every failure reported through the provider's error
 * mapper, and the client closed here only when the adapter created it. An adapter keeps its
 * mapping, its stream decoder, its error mapper and its URIs. Every call says who sends it:
 * {@code user-agent: tiergate/<version>} ({@link #USER_AGENT}; a configured {@code user-agent}
 * header replaces it).
 */
public final class UpstreamCalls implements AutoCloseable {
    /** {@code tiergate/} and the jar's Implementation-Version, {@code tiergate/dev} outside a release jar. */
    public static final String USER_AGENT = "tiergate/" + version();

    private final ProviderConfig config;
    private final UpstreamClient client;
    private final boolean ownsClient;
    private final ObjectMapper json;
    private final UpstreamErrorMapper errors;
    private final Map<String, String> providerHeaders;

    /**
     * @param ownsClient      whether {@link #close()} closes {@code client}
     * @param json            writes request bodies and reads answers, with the provider's conventions
     * @param providerHeaders sent on every call (key, version); the configured headers come after them
     */
    public UpstreamCalls(ProviderConfig config, UpstreamClient client, boolean ownsClient, ObjectMapper json,
                         UpstreamErrorMapper errors, Map<String, String> providerHeaders) {
        this.config = requireNonNull(config, "config");
        requireNonNull(config.id(), "config.id");
        this.client = requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.json = requireNonNull(json, "json");
        this.errors = requireNonNull(errors, "errors");
        this.providerHeaders = Map.copyOf(providerHeaders);
    }

    /** {@code header: prefix + key} when the config has an API key, else no header. */
    public static Map<String, String> keyHeader(ProviderConfig config, String header, String prefix) {
        String key = config.apiKey();
        return key == null || key.isEmpty() ? Map.of() : Map.of(header, prefix + key);
    }

    /**
     * POSTs {@code post} and reads the answer as a {@code wireType}. A failure while building the
     * request (an untranslatable request) fails the stage without calling the provider.
     */
    public <W> CompletionStage<W> send(Supplier<Post> post, Class<W> wireType, Executor executor) {
        return send(post, wireType, executor, (answer, body) -> { });
    }

    /**
     * As {@link #send(Supplier, Class, Executor)}, and hands the answer with the body it was read
     * from to {@code onBody} (to forward those bytes rather than encode the answer again).
     */
    public <W> CompletionStage<W> send(Supplier<Post> post, Class<W> wireType, Executor executor,
                                       BiConsumer<W, byte[]> onBody) {
        return send(post, wireType, body -> json.readValue(body, wireType), executor, onBody);
    }

    /**
     * As {@link #send(Supplier, Class, Executor, BiConsumer)}, with the answer read by {@code reader}
     * (a provider's own reader of its answers, e.g. a scan without data binding) instead of the
     * mapper; {@code wireType} names what was expected in the error of a body that is not one.
     */
    public <W> CompletionStage<W> send(Supplier<Post> post, Class<W> wireType, BodyReader<W> reader,
                                       Executor executor, BiConsumer<W, byte[]> onBody) {
        UpstreamRequest request;
        try {
            request = request(post.get(), "application/json");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(errors.map(e));
        }
        return client.send(request, executor).handle((response, failure) -> {
            if (failure != null) {
                throw errors.map(failure);
            }
            W answer = parse(response, wireType, reader);
            onBody.accept(answer, response.body());
            return answer;
        });
    }

    /**
     * A cold stream: each subscription builds {@code post}, sends it and hands the body to a
     * decoder made by {@code decoder} (one per stream). Every failure goes through the error mapper.
     */
    public Flux<ChatChunk> stream(Supplier<Post> post, Function<Flux<byte[]>, Flux<ChatChunk>> decoder,
                                  Executor executor) {
        return Flux.defer(() -> decoder.apply(client.stream(request(post.get(), "text/event-stream"), executor)))
                .onErrorMap(errors::map);
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    private UpstreamRequest request(Post post, String accept) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", accept);
        headers.put("user-agent", USER_AGENT);
        headers.putAll(providerHeaders);
        headers.putAll(config.headers());
        headers.putAll(post.headers());
        headers.putAll(PropagatedHeaders.current());
        return UpstreamRequest.post(post.uri(), headers, toJson(post.body()));
    }

    private static String version() {
        String version = UpstreamCalls.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? "dev" : version;
    }

    private byte[] toJson(Object body) {
        if (body instanceof byte[] encoded) {
            return encoded;
        }
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new InternalGatewayError("cannot serialise the upstream request: " + e.getOriginalMessage(), e);
        }
    }

    private <W> W parse(UpstreamResponse response, Class<W> type, BodyReader<W> reader) {
        if (!response.isSuccess()) {
            throw errors.fromResponse(response);
        }
        try {
            W value = reader.read(response.body());
            if (value == null) {
                throw errors.malformed("empty body (expected: a " + type.getSimpleName() + ")", null);
            }
            return value;
        } catch (IOException e) {
            throw errors.malformed("body is not a " + type.getSimpleName(), e);
        }
    }

    /** Reads a successful answer's body: null for a JSON {@code null}, an {@link IOException} for what is not an answer. */
    @FunctionalInterface
    public interface BodyReader<W> {
        W read(byte[] body) throws IOException;
    }

    /**
     * Where a call goes and what it sends, written as JSON ({@code byte[]}: already encoded, sent as
     * it is); {@code headers} are this call's own (e.g. the client's {@code anthropic-beta}), sent
     * after the provider's and the configured ones.
     */
    public record Post(URI uri, Object body, Map<String, String> headers) {
        public Post {
            requireNonNull(uri, "uri");
            requireNonNull(body, "body");
            headers = Map.copyOf(headers);
        }

        public Post(URI uri, Object body) {
            this(uri, body, Map.of());
        }
    }
}
