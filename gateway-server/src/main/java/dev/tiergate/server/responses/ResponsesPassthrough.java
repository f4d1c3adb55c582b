package dev.tiergate.server.responses;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.config.DeploymentConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.error.TimeoutError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.Pipeline;
import dev.tiergate.core.pipeline.Served;
import dev.tiergate.core.pipeline.Terminal;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;

/**
 * The pass-through mode of the Responses API, for an OpenAI-compatible provider that serves
 * {@code /responses} itself ({@code options: {responses: passthrough}}): the end of the pipeline
 * that sends the client's body unchanged but for {@code model} (the upstream model's name) to
 * {@code <base-url>/responses}, and gives back the answer unchanged, plain or streamed event by
 * event, with the usage of the {@code response} body or its {@code response.completed} event for
 * accounting. A request is passed through when it names a concrete model whose every deployment is
 * on such a provider ({@link #serves}); an alias is translated onto the chat pipeline as usual.
 *
 * <p>The stages before it (limits, accounting) see the translated chat request, whose extra field
 * {@value #BODY} carries the body to send; no adapter ever sees that request. The answer carries
 * the bytes to send back in {@value #RAW} (a complete answer) or {@value #FRAME} (each event of a
 * stream), with the usage in the usual place so that accounting prices it.
 */
public final class ResponsesPassthrough implements Terminal {
    /** The chat request's extra field holding the Responses body to send. */
    public static final String BODY = "tiergate_responses_body";
    /** A complete answer's extra field holding the upstream body as it came, as text. */
    public static final String RAW = "tiergate_raw_body";
    /** A stream chunk's extra field holding one SSE event as it came (its lines and the blank line after). */
    public static final String FRAME = "tiergate_sse_frame";
    /** The provider option that turns the mode on. */
    public static final String OPTION = "responses";

    private final GatewayConfig config;
    private final HttpClient http;

    public ResponsesPassthrough(GatewayConfig config, HttpClient http) {
        this.config = requireNonNull(config, "config");
        this.http = requireNonNull(http, "http");
    }

    /** A client whose connections the pass-through requests share. */
    public static HttpClient httpClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** Whether any provider of {@code config} serves the Responses API itself. */
    public static boolean anyProvider(GatewayConfig config) {
        return config.providers().values().stream().anyMatch(ResponsesPassthrough::passesThrough);
    }

    /** The pipeline of pass-through requests (their limits and accounting, then this), and which requests take it. */
    public record Route(Pipeline pipeline, ResponsesPassthrough upstream) {
        public Route {
            requireNonNull(pipeline, "pipeline");
            requireNonNull(upstream, "upstream");
        }

        public boolean serves(TeamConfig team, String model) {
            return upstream.serves(team, model);
        }
    }

    /**
     * The chat request a pass-through body runs the pipeline as: the model, one user message with the
     * body's {@code instructions} and {@code input} as text (what limits reserve for; the price comes
     * from the upstream's usage), {@code max_output_tokens}, {@code stream}, the fields the team must
     * allow ({@code service_tier}, {@code store}, {@code metadata}) when present, and the body.
     */
    public static ChatRequest chatRequest(ObjectNode body) {
        String model = body.path("model").asText("");
        JsonNode instructions = body.get("instructions");
        JsonNode input = body.get("input");
        String text = (instructions == null || instructions.isNull() ? "" : (instructions.isTextual()
                ? instructions.textValue() : instructions.toString()) + "\n")
                + (input == null || input.isNull() ? "" : input.isTextual() ? input.textValue() : input.toString());
        boolean stream = body.path("stream").asBoolean(false);
        Map<String, JsonNode> extra = new java.util.LinkedHashMap<>();
        for (String priced : List.of("service_tier", "store", "metadata")) {
            if (body.hasNonNull(priced)) {
                extra.put(priced, body.get(priced));
            }
        }
        extra.put(BODY, body);
        JsonNode max = body.get("max_output_tokens");
        return new ChatRequest(model, List.of(Message.user(text)), stream ? Boolean.TRUE : null, null, null, null,
                null, max != null && max.canConvertToInt() && max.intValue() > 0 ? max.intValue() : null, null, null,
                null, null, null, null, null, extra);
    }

    /** Whether a Responses request of {@code team} for {@code model} goes upstream as it is. */
    public boolean serves(TeamConfig team, String model) {
        ModelConfig m = config.models().get(model);
        if (m == null || !team.allows(model) || m.deployments().isEmpty()) {
            return false;
        }
        return m.deployments().stream().allMatch(d -> passesThrough(config.providers().get(d.provider())));
    }

    private static boolean passesThrough(ProviderConfig provider) {
        return provider != null && "openai".equals(provider.type())
                && "passthrough".equals(provider.option(OPTION, "translate"));
    }

    @Override
    public CompletionStage<Answer> answer(Exchange exchange) {
        ChatRequest chat = exchange.chat();
        ObjectNode body = ((ObjectNode) chat.extra().get(BODY)).deepCopy();
        ModelConfig model = config.models().get(chat.model());
        DeploymentConfig deployment = pick(model.deployments());
        ProviderConfig provider = config.providers().get(deployment.provider());
        body.put("model", deployment.upstreamModel());
        HttpRequest request = request(provider, body, config.deadline());
        exchange.facts().served().setIfAbsent(new Served(provider.id(), model.name(), null, 1, null));
        if (body.path("stream").asBoolean(false)) {
            CompletableFuture<HttpResponse<java.util.concurrent.Flow.Publisher<List<ByteBuffer>>>> sent =
                    http.sendAsync(request, HttpResponse.BodyHandlers.ofPublisher());
            exchange.cancellation().onCancel(() -> sent.cancel(true));
            return sent.thenCompose(response -> {
                if (response.statusCode() / 100 != 2) {
                    return collect(response.body()).thenApply(bytes -> {
                        throw new CompletionException(error(provider, response.statusCode(), bytes));
                    });
                }
                Flux<ChatChunk> chunks = SseFrames.split(JdkFlowAdapter.flowPublisherToFlux(response.body()))
                        .map(ResponsesPassthrough::chunk);
                return CompletableFuture.completedFuture((Answer) new Answer.Stream(chunks));
            }).exceptionally(e -> {
                throw new CompletionException(failure(provider, e));
            });
        }
        CompletableFuture<HttpResponse<byte[]>> sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        exchange.cancellation().onCancel(() -> sent.cancel(true));
        return sent.thenApply(response -> {
            if (response.statusCode() / 100 != 2) {
                throw new CompletionException(error(provider, response.statusCode(), response.body()));
            }
            return (Answer) new Answer.Complete(completion(response.body()));
        }).exceptionally(e -> {
            throw new CompletionException(failure(provider, e));
        });
    }

    /** A deployment at random in proportion to its weight. */
    private static DeploymentConfig pick(List<DeploymentConfig> deployments) {
        int total = deployments.stream().mapToInt(DeploymentConfig::weight).sum();
        int ticket = java.util.concurrent.ThreadLocalRandom.current().nextInt(Math.max(1, total));
        for (DeploymentConfig d : deployments) {
            ticket -= d.weight();
            if (ticket < 0) {
                return d;
            }
        }
        return deployments.getLast();
    }

    private static HttpRequest request(ProviderConfig provider, ObjectNode body, Duration timeout) {
        String configured = provider.baseUrl().toString();
        String base = configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        int query = base.indexOf('?');
        String url = query < 0 ? base + "/responses" : base.substring(0, query) + "/responses" + base.substring(query);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (provider.apiKey() != null && !provider.apiKey().isEmpty()) {
            b.header("Authorization", "Bearer " + provider.apiKey());
        }
        provider.headers().forEach(b::header);
        return b.build();
    }

    /** A complete answer: the body kept as it came, the usage read from it. */
    static ChatCompletion completion(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        JsonNode response = parse(text);
        return new ChatCompletion(response.path("id").asText(null), ChatCompletion.OBJECT, null,
                response.path("model").asText(null), List.of(), usage(response.get("usage")), null,
                Map.of(RAW, JsonNodeFactory.instance.textNode(text)));
    }

    /** One event of a stream, kept as it came; the usage of {@code response.completed} (or incomplete) read from it. */
    static ChatChunk chunk(String frame) {
        Usage usage = null;
        for (String line : frame.split("\r?\n")) {
            if (line.startsWith("data:")) {
                JsonNode event = parse(line.substring(5).strip());
                if (event.has("response") && event.get("response").has("usage")) {
                    usage = usage(event.get("response").get("usage"));
                }
            }
        }
        return new ChatChunk(null, ChatChunk.OBJECT, null, null, List.of(), usage, null,
                Map.of(FRAME, JsonNodeFactory.instance.textNode(frame)));
    }

    /** The Responses usage ({@code input_tokens}, {@code output_tokens}, cached) as chat usage; null when absent. */
    static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        int input = usage.path("input_tokens").asInt(0);
        int output = usage.path("output_tokens").asInt(0);
        ObjectNode details = JsonNodeFactory.instance.objectNode()
                .put("cached_tokens", usage.path("input_tokens_details").path("cached_tokens").asInt(0));
        return new Usage(input, output, usage.path("total_tokens").asInt(input + output),
                Map.of("prompt_tokens_details", details));
    }

    private static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            return JsonNodeFactory.instance.objectNode();
        }
    }

    private static UpstreamError error(ProviderConfig provider, int status, byte[] body) {
        JsonNode error = parse(new String(body, StandardCharsets.UTF_8)).path("error");
        String message = error.path("message").asText("HTTP " + status + " from " + provider.id());
        boolean retryable = status == 429 || status >= 500 || status == 408;
        return new UpstreamError(provider.id(), status, message, error.path("code").asText(null), retryable, null,
                null);
    }

    private static RuntimeException failure(ProviderConfig provider, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof UpstreamError upstream) {
            return upstream;
        }
        if (cause instanceof HttpTimeoutException) {
            return new TimeoutError("upstream " + provider.id() + " did not answer in time");
        }
        if (cause instanceof RuntimeException runtime && !(cause instanceof CompletionException)) {
            return runtime;
        }
        return UpstreamError.connection(provider.id(), cause.toString(), cause);
    }

    private static CompletionStage<byte[]> collect(java.util.concurrent.Flow.Publisher<List<ByteBuffer>> body) {
        return JdkFlowAdapter.flowPublisherToFlux(body).flatMapIterable(list -> list)
                .reduce(new java.io.ByteArrayOutputStream(), (out, buffer) -> {
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    out.writeBytes(bytes);
                    return out;
                }).map(java.io.ByteArrayOutputStream::toByteArray).toFuture();
    }
}
