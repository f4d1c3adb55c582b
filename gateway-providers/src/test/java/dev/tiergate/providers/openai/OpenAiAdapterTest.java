package dev.tiergate.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.TimeoutError;
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
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;

class OpenAiAdapterTest {
    private static final ModelConfig MODEL = new ModelConfig("fast", "openai", "gpt-4o-mini", ModelConfig.CHAT, null);
    private static EventLoopGroup group;
    private static WireMockServer wm;
    private OpenAiAdapter adapter;

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
        adapter = new OpenAiAdapter(config(Duration.ofSeconds(5)));
    }

    @AfterEach
    void closeAdapter() {
        adapter.close();
    }

    private static ProviderConfig config(Duration readTimeout) {
        return new ProviderConfig("openai", "openai", URI.create(wm.baseUrl() + "/v1"), "sk-test",
                Duration.ofSeconds(2), readTimeout, 8, Map.of("OpenAI-Organization", "org-1"), Map.of());
    }

    private static ScheduledExecutorService loop() {
        return group.next();
    }

    private static ProviderCall call(boolean stream) {
        ChatRequest request = ChatRequest.of("gpt-4o-mini", List.of(Message.user("Say hello")));
        if (stream) {
            request = request.withStream(true, null);
        }
        return new ProviderCall("req-1", request, MODEL, loop());
    }

    static String fixture(String name) {
        try (InputStream in = OpenAiAdapterTest.class.getResourceAsStream("/fixtures/openai/" + name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static GatewayError failureOf(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
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

    private static void stubChat(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
        wm.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(response));
    }

    @Test
    void declaresItsCapabilities() {
        assertThat(adapter.id()).isEqualTo("openai");
        assertThat(adapter.capabilities()).containsExactlyInAnyOrder(ProviderCapability.values());
    }

    @Test
    void plainCompletionSendsTheRequestAsItIsWithAuthAndConfiguredHeaders() throws Exception {
        stubChat(aResponse().withHeader("content-type", "application/json").withBody(fixture("completion.json")));

        ChatCompletion completion = await(adapter.chat(call(false)));

        assertThat(completion.id()).isEqualTo("chatcmpl-9");
        assertThat(completion.choices().getFirst().message().text()).isEqualTo("Hello there.");
        assertThat(completion.usage().totalTokens()).isEqualTo(12);
        assertThat(completion.systemFingerprint()).isEqualTo("fp_1");
        wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer sk-test"))
                .withHeader("OpenAI-Organization", equalTo("org-1"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson(
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")));
    }

    @Test
    void noAuthorizationHeaderWithoutAKey() throws Exception {
        stubChat(aResponse().withBody(fixture("completion.json")));
        ProviderConfig keyless = new ProviderConfig("local", "openai", URI.create(wm.baseUrl() + "/v1/"), "",
                null, null, 0, Map.of(), Map.of());
        try (OpenAiAdapter local = new OpenAiAdapter(keyless)) {
            await(local.chat(call(false)));
        }
        wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withoutHeader("Authorization"));
    }

    @Test
    void azureStyleBaseUrlKeepsItsQueryAtTheEnd() throws Exception {
        wm.stubFor(post(urlEqualTo("/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21"))
                .willReturn(aResponse().withBody(fixture("completion.json"))));
        ProviderConfig azure = new ProviderConfig("azure", "openai",
                URI.create(wm.baseUrl() + "/openai/deployments/gpt4o?api-version=2024-10-21"), null,
                null, null, 0, Map.of("api-key", "az-key"), Map.of());
        try (OpenAiAdapter az = new OpenAiAdapter(azure)) {
            assertThat(await(az.chat(call(false))).id()).isEqualTo("chatcmpl-9");
        }
        wm.verify(postRequestedFor(urlEqualTo("/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21"))
                .withHeader("api-key", equalTo("az-key")));
    }

    @Test
    void streamsDribbledChunksInOrderToCompletion() {
        stubChat(aResponse().withHeader("content-type", "text/event-stream")
                .withBody(fixture("text.sse")).withChunkedDribbleDelay(12, 600));

        List<ChatChunk> chunks = adapter.chatStream(call(true)).collectList().block(Duration.ofSeconds(10));

        assertThat(chunks).hasSize(5);
        assertThat(chunks).extracting(c -> c.choices().isEmpty() ? null : c.choices().getFirst().delta().content())
                .containsExactly("", "Hello", " wörld 🎉", null, null);
        assertThat(chunks.get(3).finishReason()).isEqualTo("stop");
        ChatChunk usageOnly = chunks.get(4);
        assertThat(usageOnly.choices()).isEmpty();
        assertThat(usageOnly.usage().totalTokens()).isEqualTo(12);
        wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Accept", equalTo("text/event-stream"))
                .withRequestBody(equalToJson("{\"model\":\"gpt-4o-mini\",\"stream\":true}", true, true)));
    }

    @Test
    void chunksArriveWhileTheUpstreamIsStillSending() {
        stubChat(aResponse().withBody(fixture("text.sse")).withChunkedDribbleDelay(6, 1500));
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        adapter.chatStream(call(true)).doOnNext(c -> arrivals.add(System.nanoTime())).blockLast(Duration.ofSeconds(10));
        assertThat(arrivals).hasSize(5);
        assertThat(TimeUnit.NANOSECONDS.toMillis(arrivals.getLast() - arrivals.getFirst())).isGreaterThan(300);
    }

    @Test
    void streamsToolCallFragments() {
        stubChat(aResponse().withBody(fixture("tool-calls.sse")).withChunkedDribbleDelay(5, 200));

        List<ChatChunk> chunks = adapter.chatStream(call(true)).collectList().block(Duration.ofSeconds(10));

        assertThat(chunks).hasSize(4);
        assertThat(chunks.getFirst().choices().getFirst().delta().toolCalls().getFirst().id()).isEqualTo("call_abc");
        assertThat(chunks.getFirst().choices().getFirst().delta().toolCalls().getFirst().function().name())
                .isEqualTo("get_weather");
        String args = chunks.subList(1, 3).stream()
                .map(c -> c.choices().getFirst().delta().toolCalls().getFirst().function().arguments())
                .reduce("", String::concat);
        assertThat(args).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(chunks.getLast().finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void aStreamAlwaysAsksForUsageKeepingTheClientsOtherStreamOptions() {
        stubChat(aResponse().withBody(fixture("text.sse")));
        ChatRequest withoutOptions = ChatRequest.of("gpt-4o-mini", List.of(Message.user("x"))).withStream(true, null);
        ChatRequest usageOff = withoutOptions.withStream(true,
                new StreamOptions(false, Map.of("chunk_hint", JsonNodeFactory.instance.numberNode(3))));

        adapter.chatStream(new ProviderCall("r", withoutOptions, MODEL, loop())).blockLast(Duration.ofSeconds(10));
        adapter.chatStream(new ProviderCall("r", usageOff, MODEL, loop())).blockLast(Duration.ofSeconds(10));

        List<LoggedRequest> sent = wm.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
        assertThat(sent).extracting(r -> r.getBodyAsString()).containsExactly(
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true}}",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true,\"chunk_hint\":3}}");
    }

    @Test
    void withStreamUsageOffTheRequestsOwnStreamOptionsGoOutUnchanged() {
        stubChat(aResponse().withBody(fixture("text.sse")));
        ProviderConfig refusing = new ProviderConfig("vllm", "openai", URI.create(wm.baseUrl() + "/v1"), null,
                null, null, 0, Map.of(), Map.of("stream-usage", "false"));
        ChatRequest without = ChatRequest.of("gpt-4o-mini", List.of(Message.user("x"))).withStream(true, null);
        ChatRequest asking = without.withStream(true, new StreamOptions(true, Map.of()));
        try (OpenAiAdapter local = new OpenAiAdapter(refusing)) {
            List<ChatChunk> chunks = local.chatStream(new ProviderCall("r", without, MODEL, loop()))
                    .collectList().block(Duration.ofSeconds(10));
            assertThat(chunks.getLast().usage()).as("whatever usage the server sends is passed on").isNotNull();
            local.chatStream(new ProviderCall("r", asking, MODEL, loop())).blockLast(Duration.ofSeconds(10));
        }
        List<LoggedRequest> sent = wm.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
        assertThat(sent.get(0).getBodyAsString()).doesNotContain("stream_options");
        assertThat(sent.get(1).getBodyAsString()).contains("\"stream_options\":{\"include_usage\":true}");
    }

    @Test
    void aMidStreamErrorEventFailsTheStreamAfterTheChunksBeforeIt() {
        stubChat(aResponse().withBody(fixture("mid-stream-error.sse")));
        List<ChatChunk> seen = new CopyOnWriteArrayList<>();
        GatewayError error = failureOf(adapter.chatStream(call(true)).doOnNext(seen::add));
        assertThat(seen).hasSize(1);
        assertThat(error).isInstanceOf(UpstreamError.class);
        assertThat(error.getMessage()).startsWith("The server had an error");
        assertThat(error.retryable()).isTrue();
    }

    @Test
    void badRequestKeepsTheProvidersMessageAndCode() {
        stubChat(aResponse().withStatus(400).withBody(fixture("error-400.json")));
        UpstreamError error = (UpstreamError) failureOf(adapter.chat(call(false)));
        assertThat(error.upstreamStatus()).isEqualTo(400);
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.getMessage()).isEqualTo("Invalid value for 'temperature': must be <= 2.");
        assertThat(error.code()).isEqualTo("invalid_value");
        assertThat(error.retryable()).isFalse();
        assertThat(error.provider()).isEqualTo("openai");
    }

    @Test
    void rateLimitIsRetryableWithRetryAfter() {
        stubChat(aResponse().withStatus(429).withHeader("retry-after", "7").withBody(fixture("error-429.json")));
        UpstreamError error = (UpstreamError) failureOf(adapter.chat(call(false)));
        assertThat(error.status()).isEqualTo(429);
        assertThat(error.code()).isEqualTo("rate_limit_exceeded");
        assertThat(error.getMessage()).startsWith("Rate limit reached for gpt-4o-mini");
        assertThat(error.retryable()).isTrue();
        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void serverErrorOnAStreamFailsBeforeAnyChunk() {
        stubChat(aResponse().withStatus(500).withBody(fixture("error-500.json")));
        UpstreamError error = (UpstreamError) failureOf(adapter.chatStream(call(true)));
        assertThat(error.upstreamStatus()).isEqualTo(500);
        assertThat(error.status()).isEqualTo(502);
        assertThat(error.code()).isEqualTo("server_error");
        assertThat(error.getMessage()).startsWith("The server had an error while processing your request.");
        assertThat(error.retryable()).isTrue();
    }

    @Test
    void aNonJsonErrorBodyBecomesTheMessage() {
        stubChat(aResponse().withStatus(502).withBody("<html>Bad gateway</html>"));
        UpstreamError error = (UpstreamError) failureOf(adapter.chat(call(false)));
        assertThat(error.getMessage()).isEqualTo("<html>Bad gateway</html>");
        assertThat(error.retryable()).isTrue();
    }

    @Test
    void connectionResetIsARetryableConnectionError() {
        stubChat(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        UpstreamError error = (UpstreamError) failureOf(adapter.chat(call(false)));
        assertThat(error.upstreamStatus()).isZero();
        assertThat(error.code()).isEqualTo("upstream_unavailable");
        assertThat(error.retryable()).isTrue();
        UpstreamError streamError = (UpstreamError) failureOf(adapter.chatStream(call(true)));
        assertThat(streamError.code()).isEqualTo("upstream_unavailable");
    }

    @Test
    void aSlowFirstByteIsATimeout() {
        adapter.close();
        adapter = new OpenAiAdapter(config(Duration.ofMillis(300)));
        stubChat(aResponse().withFixedDelay(2000).withBody(fixture("completion.json")));
        assertThat(failureOf(adapter.chat(call(false)))).isInstanceOf(TimeoutError.class);
        assertThat(failureOf(adapter.chatStream(call(true)))).isInstanceOf(TimeoutError.class);
    }

    @Test
    void cancellingTheChunkStreamClosesTheUpstreamConnection() throws Exception {
        java.util.concurrent.CountDownLatch eof = new java.util.concurrent.CountDownLatch(1);
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread upstream = new Thread(() -> {
                try (java.net.Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] head = new byte[4096];
                    in.read(head);
                    String chunk = fixture("text.sse").split("\n\n")[0] + "\n\n";
                    byte[] data = chunk.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                            + "transfer-encoding: chunked\r\n\r\n" + Integer.toHexString(data.length) + "\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().write(data);
                    s.getOutputStream().write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    while (in.read(head) != -1) {
                        // drain until the gateway closes
                    }
                    eof.countDown();
                } catch (IOException e) {
                    eof.countDown();
                }
            });
            upstream.setDaemon(true);
            upstream.start();
            ProviderConfig cfg = new ProviderConfig("openai", "openai",
                    URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1"), "k", null, null, 1, Map.of(), Map.of());
            try (OpenAiAdapter local = new OpenAiAdapter(cfg)) {
                ChatChunk first = local.chatStream(call(true)).next().block(Duration.ofSeconds(5));
                assertThat(first.choices().getFirst().delta().role()).isEqualTo("assistant");
                assertThat(eof.await(5, TimeUnit.SECONDS)).as("upstream saw the connection close").isTrue();
            }
        }
    }

    @Test
    void embedPostsToEmbeddings() throws Exception {
        wm.stubFor(post(urlEqualTo("/v1/embeddings")).willReturn(aResponse().withBody(fixture("embeddings.json"))));
        EmbeddingRequest request = new EmbeddingRequest("text-embedding-3-small",
                JsonNodeFactory.instance.textNode("hello"), null, null, null, Map.of());
        ModelConfig model = new ModelConfig("embed", "openai", "text-embedding-3-small", ModelConfig.EMBEDDING, null);

        EmbeddingResponse response = await(adapter.embed(new EmbeddingCall("r", request, model, loop())));

        assertThat(response.data()).hasSize(1);
        assertThat(response.usage().promptTokens()).isEqualTo(2);
        wm.verify(postRequestedFor(urlEqualTo("/v1/embeddings")).withRequestBody(
                equalToJson("{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}")));
    }
}
