package dev.tiergate.providers.gemini;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.StreamOptions;
import dev.tiergate.core.provider.EmbeddingCall;
import dev.tiergate.core.provider.ProviderCall;
import dev.tiergate.core.provider.ProviderCapability;
import dev.tiergate.providers.transport.UpstreamClient;
import dev.tiergate.providers.transport.UpstreamOptions;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;

class GeminiAdapterTest {
    private static final ModelConfig MODEL = new ModelConfig("flash", "gemini", "gemini-2.5-flash", ModelConfig.CHAT, null);
    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    private static EventLoopGroup group;
    private static WireMockServer wm;
    private UpstreamClient client;
    private GeminiAdapter adapter;

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        wm = new WireMockServer(wireMockConfig().dynamicPort());
        wm.start();
    }

    @AfterAll
    static void stop() {
        wm.stop();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void newAdapter() {
        wm.resetAll();
        ProviderConfig config = config(URI.create(wm.baseUrl() + "/v1beta"));
        client = new UpstreamClient(UpstreamOptions.from(config));
        adapter = new GeminiAdapter(config, client, false, Clock.systemUTC(), GeminiFixtures.sequentialIds());
    }

    @AfterEach
    void closeAdapter() {
        adapter.close();
        client.close();
    }

    private static ProviderConfig config(URI baseUrl) {
        return new ProviderConfig("gemini", "gemini", baseUrl, "goog-key", Duration.ofSeconds(2), Duration.ofSeconds(5),
                8, Map.of("x-goog-user-project", "proj-1"), Map.of());
    }

    private static ProviderCall call(boolean stream, boolean includeUsage) {
        ChatRequest request = ChatRequest.of("gemini-2.5-flash", List.of(Message.system("Be brief."), Message.user("Say hello")));
        if (stream) {
            request = request.withStream(true, includeUsage ? new StreamOptions(true, Map.of()) : null);
        }
        return new ProviderCall("req-1", request, MODEL, group.next());
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static GatewayError failureOf(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(GatewayError.class);
            return (GatewayError) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure");
    }

    private static GatewayError failureOf(Flux<?> flux) {
        try {
            flux.blockLast(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            Throwable t = Exceptions.unwrap(e);
            assertThat(t).isInstanceOf(GatewayError.class);
            return (GatewayError) t;
        }
        throw new AssertionError("expected a failure");
    }

    private static void stub(String url, ResponseDefinitionBuilder response) {
        wm.stubFor(post(urlEqualTo(url)).willReturn(response));
    }

    @Test
    void declaresItsCapabilities() {
        assertThat(adapter.id()).isEqualTo("gemini");
        assertThat(adapter.capabilities()).containsExactlyInAnyOrder(ProviderCapability.values());
    }

    @Test
    void completionPostsGenerateContentWithTheKeyHeader() throws Exception {
        stub(GENERATE, aResponse().withHeader("content-type", "application/json").withBody(GeminiFixtures.read("text.json")));

        ChatCompletion completion = await(adapter.chat(call(false, false)));

        assertThat(completion.id()).isEqualTo("mAitaLmkHPPlz7IPvtfUqQ4");
        assertThat(completion.choices().getFirst().message().text()).isEqualTo("Hello there.");
        assertThat(completion.usage().totalTokens()).isEqualTo(40);
        wm.verify(postRequestedFor(urlEqualTo(GENERATE))
                .withHeader("x-goog-api-key", equalTo("goog-key"))
                .withHeader("x-goog-user-project", equalTo("proj-1"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withoutHeader("Authorization")
                .withRequestBody(equalToJson("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Say hello\"}]}],"
                        + "\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]}}")));
    }

    @Test
    void acceptsModelsPrefixedNamesAndDefaultsTheBaseUrl() throws Exception {
        stub(GENERATE, aResponse().withBody(GeminiFixtures.read("function-call.json")));
        ProviderCall prefixed = new ProviderCall("r", ChatRequest.of("models/gemini-2.5-flash", List.of(Message.user("x"))),
                MODEL, group.next());

        ChatCompletion completion = await(adapter.chat(prefixed));

        assertThat(completion.choices().getFirst().message().toolCalls()).hasSize(2);
        assertThat(completion.choices().getFirst().message().toolCalls().getFirst().id()).isEqualTo("call_id1");
        try (GeminiAdapter defaulted = new GeminiAdapter(config(null))) {
            assertThat(defaulted.uri("gemini-2.5-flash", "streamGenerateContent", "alt=sse")).hasToString(
                    "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        }
        try (GeminiAdapter proxied = new GeminiAdapter(config(URI.create("https://proxy.example/g/v1beta/?t=1")))) {
            assertThat(proxied.uri("m", "streamGenerateContent", "alt=sse"))
                    .hasToString("https://proxy.example/g/v1beta/models/m:streamGenerateContent?t=1&alt=sse");
        }
    }

    @Test
    void anUnusableModelNameFailsWithoutCallingTheProvider() {
        ProviderCall bad = new ProviderCall("r", ChatRequest.of("../admin?x=1", List.of(Message.user("x"))), MODEL,
                group.next());
        GatewayError error = failureOf(adapter.chat(bad));
        assertThat(error).isInstanceOf(InvalidRequestError.class);
        assertThat(error.param()).isEqualTo("model");
        assertThat(failureOf(adapter.chatStream(bad))).isInstanceOf(InvalidRequestError.class);
        wm.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void streamsDribbledEventsEndingWithUsage() {
        stub(STREAM, aResponse().withHeader("content-type", "text/event-stream")
                .withBody(GeminiFixtures.read("text.sse")).withChunkedDribbleDelay(12, 600));

        List<ChatChunk> chunks = adapter.chatStream(call(true, true)).collectList().block(Duration.ofSeconds(10));

        assertThat(chunks).extracting(GeminiStreamDecoderTest::content).containsExactly("Hello", " wörld 🎉", "!", null, null);
        assertThat(chunks.get(3).finishReason()).isEqualTo("stop");
        assertThat(chunks.get(4).choices()).isEmpty();
        assertThat(chunks.get(4).usage().totalTokens()).isEqualTo(12);
        wm.verify(postRequestedFor(urlEqualTo(STREAM))
                .withHeader("Accept", equalTo("text/event-stream"))
                .withHeader("x-goog-api-key", equalTo("goog-key"))
                .withRequestBody(equalToJson("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Say hello\"}]}]}",
                        true, true)));
    }

    @Test
    void streamsToolCalls() {
        stub(STREAM, aResponse().withBody(GeminiFixtures.read("function-call.sse")).withChunkedDribbleDelay(6, 200));

        List<ChatChunk> chunks = adapter.chatStream(call(true, false)).collectList().block(Duration.ofSeconds(10));

        assertThat(chunks.get(1).choices().getFirst().delta().toolCalls()).hasSize(2);
        assertThat(chunks.get(2).finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void aMidStreamErrorFailsTheFluxAfterTheChunksBeforeIt() {
        stub(STREAM, aResponse().withBody(GeminiFixtures.read("mid-stream-error.sse")));
        List<ChatChunk> seen = new CopyOnWriteArrayList<>();

        UpstreamError error = (UpstreamError) failureOf(adapter.chatStream(call(true, false)).doOnNext(seen::add));

        assertThat(seen).hasSize(1);
        assertThat(error.getMessage()).isEqualTo("The model is overloaded. Please try again later.");
        assertThat(error.retryable()).isTrue();
    }

    @Test
    void badRequestKeepsTheProvidersMessageAndStatus() {
        stub(GENERATE, aResponse().withStatus(400).withBody(GeminiFixtures.read("error-400.json")));

        UpstreamError error = (UpstreamError) failureOf(adapter.chat(call(false, false)));

        assertThat(error.upstreamStatus()).isEqualTo(400);
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.getMessage()).isEqualTo("* GenerateContentRequest.contents: contents is not specified\n");
        assertThat(error.code()).isEqualTo("INVALID_ARGUMENT");
        assertThat(error.retryable()).isFalse();
        assertThat(error.provider()).isEqualTo("gemini");
    }

    @Test
    void rateLimitHonoursRetryAfterElseTheRetryInfoDelay() {
        stub(GENERATE, aResponse().withStatus(429).withHeader("retry-after", "7").withBody(GeminiFixtures.read("error-429.json")));
        UpstreamError withHeader = (UpstreamError) failureOf(adapter.chat(call(false, false)));
        assertThat(withHeader.retryAfter()).isEqualTo(Duration.ofSeconds(7));

        stub(STREAM, aResponse().withStatus(429).withBody(GeminiFixtures.read("error-429.json")));
        UpstreamError fromBody = (UpstreamError) failureOf(adapter.chatStream(call(true, false)));
        assertThat(fromBody.retryAfter()).isEqualTo(Duration.ofSeconds(31));

        for (UpstreamError e : List.of(withHeader, fromBody)) {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.code()).isEqualTo("RESOURCE_EXHAUSTED");
            assertThat(e.getMessage()).startsWith("You exceeded your current quota");
            assertThat(e.retryable()).isTrue();
        }
    }

    @Test
    void serverErrorsAreRetryableAndFailAStreamBeforeAnyChunk() {
        stub(STREAM, aResponse().withStatus(503).withBody(GeminiFixtures.read("error-503.json")));
        List<ChatChunk> seen = new CopyOnWriteArrayList<>();
        UpstreamError error = (UpstreamError) failureOf(adapter.chatStream(call(true, false)).doOnNext(seen::add));
        assertThat(seen).isEmpty();
        assertThat(error.status()).isEqualTo(502);
        assertThat(error.code()).isEqualTo("UNAVAILABLE");
        assertThat(error.retryable()).isTrue();

        stub(GENERATE, aResponse().withStatus(500).withBody("upstream exploded"));
        UpstreamError plain = (UpstreamError) failureOf(adapter.chat(call(false, false)));
        assertThat(plain.getMessage()).isEqualTo("upstream exploded");
        assertThat(plain.retryable()).isTrue();
    }

    @Test
    void embedPostsBatchEmbedContents() throws Exception {
        stub("/v1beta/models/text-embedding-004:batchEmbedContents",
                aResponse().withBody(GeminiFixtures.read("embeddings.json")));
        EmbeddingRequest request = new EmbeddingRequest("text-embedding-004",
                JsonNodeFactory.instance.arrayNode().add("a").add("b"), null, null, null, Map.of());
        ModelConfig model = new ModelConfig("embed", "gemini", "text-embedding-004", ModelConfig.EMBEDDING, null);

        EmbeddingResponse response = await(adapter.embed(new EmbeddingCall("r", request, model, group.next())));

        assertThat(response.data()).hasSize(2);
        assertThat(response.data().getFirst().get("embedding")).hasSize(3);
        wm.verify(postRequestedFor(urlEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents"))
                .withHeader("x-goog-api-key", equalTo("goog-key"))
                .withRequestBody(equalToJson("{\"requests\":["
                        + "{\"model\":\"models/text-embedding-004\",\"content\":{\"parts\":[{\"text\":\"a\"}]}},"
                        + "{\"model\":\"models/text-embedding-004\",\"content\":{\"parts\":[{\"text\":\"b\"}]}}]}")));
    }

    @Test
    void cancellingTheChunkStreamClosesTheUpstreamConnection() throws Exception {
        byte[] firstEvent = (GeminiFixtures.read("text.sse").split("\r\n\r\n")[0] + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        CountDownLatch closed = new CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread upstream = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    InputStream in = socket.getInputStream();
                    byte[] buffer = new byte[8192];
                    in.read(buffer);
                    socket.getOutputStream().write(("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
                            + Integer.toHexString(firstEvent.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().write(firstEvent);
                    socket.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    while (in.read(buffer) != -1) {
                        // the gateway has not hung up yet
                    }
                } catch (IOException e) {
                    // a reset is a close too
                }
                closed.countDown();
            });
            upstream.setDaemon(true);
            upstream.start();
            try (GeminiAdapter local = new GeminiAdapter(
                    config(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1beta")))) {
                ChatChunk first = local.chatStream(call(true, false)).next().block(Duration.ofSeconds(5));
                assertThat(GeminiStreamDecoderTest.content(first)).isEqualTo("Hello");
                assertThat(closed.await(5, TimeUnit.SECONDS)).as("upstream saw the connection close").isTrue();
            }
        }
    }
}
