package dev.tiergate.providers.anthropic;

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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.TimeoutError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.EmbeddingRequest;
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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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

class AnthropicAdapterTest {
    private static final ModelConfig MODEL = new ModelConfig("smart", "anthropic", "claude-sonnet-4-5", ModelConfig.CHAT, null);
    private static final String SIMPLE_BODY = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":4096,"
            + "\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Say hello\"}]}]}";
    private static EventLoopGroup group;
    private static WireMockServer wm;
    private AnthropicAdapter adapter;

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
        adapter = new AnthropicAdapter(config(Duration.ofSeconds(5), Map.of()));
    }

    @AfterEach
    void closeAdapter() {
        adapter.close();
    }

    private static ProviderConfig config(Duration readTimeout, Map<String, String> options) {
        return new ProviderConfig("anthropic", "anthropic", URI.create(wm.baseUrl() + "/v1"), "sk-ant-test",
                Duration.ofSeconds(2), readTimeout, 8, Map.of("anthropic-beta", "tools-2024-04-04"), options);
    }

    private static ChatRequest request(boolean stream, boolean includeUsage) {
        ChatRequest request = ChatRequest.of("claude-sonnet-4-5", List.of(Message.system("Be brief."), Message.user("Say hello")));
        return stream ? request.withStream(true, includeUsage ? new StreamOptions(true, Map.of()) : null) : request;
    }

    private static ProviderCall call(ChatRequest request) {
        return new ProviderCall("req-1", request, MODEL, group.next());
    }

    private static ProviderCall call(boolean stream) {
        return call(request(stream, false));
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

    private static void stubMessages(ResponseDefinitionBuilder response) {
        wm.stubFor(post(urlEqualTo("/v1/messages")).willReturn(response));
    }

    @Test
    void declaresItsCapabilitiesWithoutEmbeddings() {
        assertThat(adapter.id()).isEqualTo("anthropic");
        assertThat(adapter.capabilities()).containsExactlyInAnyOrder(ProviderCapability.CHAT,
                ProviderCapability.CHAT_STREAM, ProviderCapability.TOOLS, ProviderCapability.IMAGES);
    }

    @Test
    void completionSendsTheTranslatedRequestWithAnthropicHeaders() throws Exception {
        stubMessages(aResponse().withHeader("content-type", "application/json")
                .withBody(AnthropicFixtures.read("message.json")));

        ChatCompletion completion = await(adapter.chat(call(false)));

        assertThat(completion.id()).isEqualTo("msg_01XFDUDYJgAACzvnptvVoYEL");
        assertThat(completion.choices().getFirst().message().text()).isEqualTo("Hello there.");
        assertThat(completion.usage().totalTokens()).isEqualTo(41);
        assertThat(completion.created()).isPositive();
        wm.verify(postRequestedFor(urlEqualTo("/v1/messages"))
                .withHeader("x-api-key", equalTo("sk-ant-test"))
                .withHeader("anthropic-version", equalTo("2023-06-01"))
                .withHeader("anthropic-beta", equalTo("tools-2024-04-04"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withoutHeader("Authorization")
                .withRequestBody(equalToJson(SIMPLE_BODY)));
    }

    @Test
    void readsTheVersionAndDefaultMaxTokensOptions() throws Exception {
        stubMessages(aResponse().withBody(AnthropicFixtures.read("message.json")));
        Map<String, String> options = Map.of("anthropic-version", "2024-01-01", "default-max-tokens", "1024");
        try (AnthropicAdapter configured = new AnthropicAdapter(config(Duration.ofSeconds(5), options))) {
            await(configured.chat(call(false)));
        }
        wm.verify(postRequestedFor(urlEqualTo("/v1/messages"))
                .withHeader("anthropic-version", equalTo("2024-01-01"))
                .withRequestBody(equalToJson("{\"max_tokens\":1024}", true, true)));
    }

    @Test
    void rejectsABadDefaultMaxTokensAndDefaultsTheBaseUrl() {
        assertThatThrownBy(() -> new AnthropicAdapter(config(null, Map.of("default-max-tokens", "lots"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("providers.anthropic.options.default-max-tokens: lots (expected: a positive integer)");
        ProviderConfig noBase = new ProviderConfig("claude", "anthropic", null, "k", null, null, 0, Map.of(), Map.of());
        try (AnthropicAdapter defaulted = new AnthropicAdapter(noBase)) {
            assertThat(defaulted.messagesUri()).hasToString("https://api.anthropic.com/v1/messages");
        }
    }

    @Test
    void anUntranslatableRequestFailsWithoutCallingTheProvider() {
        ChatRequest twoChoices = new ChatRequest("claude-sonnet-4-5", List.of(Message.user("x")), null, null, null,
                null, null, null, 2, null, null, null, null, null, null, Map.of());

        GatewayError error = failureOf(adapter.chat(call(twoChoices)));
        GatewayError streamError = failureOf(adapter.chatStream(call(twoChoices.withStream(true, null))));

        assertThat(error).isInstanceOf(InvalidRequestError.class);
        assertThat(error.param()).isEqualTo("n");
        assertThat(streamError).isInstanceOf(InvalidRequestError.class);
        wm.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void streamsDribbledEventsAsChunksEndingWithUsage() {
        stubMessages(aResponse().withHeader("content-type", "text/event-stream")
                .withBody(AnthropicFixtures.read("text.sse")).withChunkedDribbleDelay(15, 600));

        List<ChatChunk> chunks = adapter.chatStream(call(request(true, true))).collectList().block(Duration.ofSeconds(10));

        assertThat(chunks).extracting(AnthropicStreamDecoderTest::content)
                .containsExactly("", "Hello", " wörld 🎉", null, null);
        assertThat(chunks.get(3).finishReason()).isEqualTo("stop");
        assertThat(chunks.get(4).choices()).isEmpty();
        assertThat(chunks.get(4).usage().totalTokens()).isEqualTo(50);
        wm.verify(postRequestedFor(urlEqualTo("/v1/messages"))
                .withHeader("Accept", equalTo("text/event-stream"))
                .withRequestBody(equalToJson("{\"model\":\"claude-sonnet-4-5\",\"stream\":true}", true, true)));
    }

    @Test
    void aPlainRequestPassedToChatStreamStillStreams() {
        stubMessages(aResponse().withBody(AnthropicFixtures.read("tool-use.sse")).withChunkedDribbleDelay(8, 200));

        List<ChatChunk> chunks = adapter.chatStream(call(false)).collectList().block(Duration.ofSeconds(10));

        assertThat(chunks.get(chunks.size() - 2).finishReason()).isEqualTo("tool_calls");
        assertThat(chunks.getLast().choices()).isEmpty();
        wm.verify(postRequestedFor(urlEqualTo("/v1/messages"))
                .withRequestBody(equalToJson("{\"stream\":true}", true, true)));
    }

    @Test
    void aMidStreamErrorEventFailsTheFluxAfterTheChunksBeforeIt() {
        stubMessages(aResponse().withBody(AnthropicFixtures.read("mid-stream-error.sse")));
        List<ChatChunk> seen = new CopyOnWriteArrayList<>();

        UpstreamError error = (UpstreamError) failureOf(adapter.chatStream(call(true)).doOnNext(seen::add));

        assertThat(seen).hasSize(2);
        assertThat(error.getMessage()).isEqualTo("Overloaded");
        assertThat(error.retryable()).isTrue();
    }

    @Test
    void badRequestKeepsTheProvidersMessageAndType() {
        stubMessages(aResponse().withStatus(400).withBody(AnthropicFixtures.read("error-400.json")));

        UpstreamError error = (UpstreamError) failureOf(adapter.chat(call(false)));

        assertThat(error.upstreamStatus()).isEqualTo(400);
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.getMessage()).startsWith("messages: roles must alternate between \"user\" and \"assistant\"");
        assertThat(error.code()).isEqualTo("invalid_request_error");
        assertThat(error.retryable()).isFalse();
        assertThat(error.provider()).isEqualTo("anthropic");
    }

    @Test
    void rateLimitIsRetryableAndHonoursRetryAfter() {
        stubMessages(aResponse().withStatus(429).withHeader("retry-after", "7")
                .withBody(AnthropicFixtures.read("error-429.json")));

        UpstreamError error = (UpstreamError) failureOf(adapter.chat(call(false)));
        UpstreamError streamError = (UpstreamError) failureOf(adapter.chatStream(call(true)));

        for (UpstreamError e : List.of(error, streamError)) {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.code()).isEqualTo("rate_limit_error");
            assertThat(e.getMessage()).startsWith("This request would exceed the rate limit");
            assertThat(e.retryable()).isTrue();
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        }
    }

    @Test
    void serverErrorsAndOverloadAreRetryableAndFailAStreamBeforeAnyChunk() {
        stubMessages(aResponse().withStatus(500).withBody(AnthropicFixtures.read("error-500.json")));
        List<ChatChunk> seen = new CopyOnWriteArrayList<>();
        UpstreamError error = (UpstreamError) failureOf(adapter.chatStream(call(true)).doOnNext(seen::add));
        assertThat(seen).isEmpty();
        assertThat(error.status()).isEqualTo(502);
        assertThat(error.code()).isEqualTo("api_error");
        assertThat(error.getMessage()).isEqualTo("Internal server error");
        assertThat(error.retryable()).isTrue();

        stubMessages(aResponse().withStatus(529).withBody(AnthropicFixtures.read("error-529.json")));
        UpstreamError overloaded = (UpstreamError) failureOf(adapter.chat(call(false)));
        assertThat(overloaded.upstreamStatus()).isEqualTo(529);
        assertThat(overloaded.code()).isEqualTo("overloaded_error");
        assertThat(overloaded.retryable()).isTrue();
    }

    @Test
    void aSlowFirstByteIsATimeout() {
        adapter.close();
        adapter = new AnthropicAdapter(config(Duration.ofMillis(300), Map.of()));
        stubMessages(aResponse().withFixedDelay(2000).withBody(AnthropicFixtures.read("message.json")));
        assertThat(failureOf(adapter.chat(call(false)))).isInstanceOf(TimeoutError.class);
        assertThat(failureOf(adapter.chatStream(call(true)))).isInstanceOf(TimeoutError.class);
    }

    @Test
    void embeddingsAreNotSupported() {
        EmbeddingRequest request = new EmbeddingRequest("claude", JsonNodeFactory.instance.textNode("x"), null, null,
                null, Map.of());
        GatewayError error = failureOf(adapter.embed(new EmbeddingCall("r", request, MODEL, group.next())));
        assertThat(error).isInstanceOf(InvalidRequestError.class);
        assertThat(error.code()).isEqualTo("model_not_supported");
        assertThat(error.getMessage()).contains("has no embeddings API");
        wm.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void cancellingTheChunkStreamClosesTheUpstreamConnection() throws Exception {
        String firstEvent = AnthropicFixtures.read("text.sse").split("\n\n")[0] + "\n\n";
        try (StallingUpstream upstream = new StallingUpstream(firstEvent)) {
            ProviderConfig cfg = new ProviderConfig("anthropic", "anthropic", upstream.baseUrl(), "k", null, null, 1,
                    Map.of(), Map.of());
            try (AnthropicAdapter local = new AnthropicAdapter(cfg)) {
                ChatChunk first = local.chatStream(call(true)).next().block(Duration.ofSeconds(5));
                assertThat(first.choices().getFirst().delta().role()).isEqualTo("assistant");
                assertThat(upstream.closed.await(5, TimeUnit.SECONDS)).as("upstream saw the connection close").isTrue();
            }
        }
    }

    /** Answers one request with a chunked SSE head and one event, then waits for the client to hang up. */
    static final class StallingUpstream implements AutoCloseable {
        final CountDownLatch closed = new CountDownLatch(1);
        private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());

        StallingUpstream(String event) throws IOException {
            Thread thread = new Thread(() -> serve(event.getBytes(StandardCharsets.UTF_8)), "stalling-upstream");
            thread.setDaemon(true);
            thread.start();
        }

        URI baseUrl() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1");
        }

        private void serve(byte[] event) {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[8192];
                in.read(buffer);
                socket.getOutputStream().write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                        + "transfer-encoding: chunked\r\n\r\n" + Integer.toHexString(event.length) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(event);
                socket.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                while (in.read(buffer) != -1) {
                    // the gateway has not hung up yet
                }
            } catch (IOException e) {
                // a reset is a close too
            }
            closed.countDown();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
