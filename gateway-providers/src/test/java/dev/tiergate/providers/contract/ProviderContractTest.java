package dev.tiergate.providers.contract;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.tiergate.providers.testing.Outcomes.await;
import static dev.tiergate.providers.testing.Outcomes.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.TimeoutError;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ContentPart;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.MessageContent;
import dev.tiergate.core.model.Tool;
import dev.tiergate.core.model.ToolCall;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.provider.EmbeddingCall;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderCall;
import dev.tiergate.core.provider.ProviderCapability;
import dev.tiergate.providers.internal.UpstreamCalls;
import dev.tiergate.providers.testing.EventLoopExtension;
import dev.tiergate.providers.testing.Fixtures;
import dev.tiergate.providers.testing.RawSocketUpstream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What every provider adapter must do, whatever its provider (Bifrost runs one scenario suite
 * across all providers). A small subclass per adapter says how to build it and, for an adapter
 * with an upstream, where its calls go and which fixtures in its provider's own wire format
 * ({@code fixtures/<provider>/}) answer each scenario, served by WireMock on a dynamic port.
 *
 * <p>Scenarios are gated on the capabilities the adapter declares ({@link ProviderAdapter#capabilities()})
 * and on {@link #hasUpstream()}: upstream errors and transport faults need an upstream. A gated
 * scenario is reported as skipped with the reason. {@link #declaresItsCapabilities()} pins the
 * declared set, so a capability lost by mistake fails instead of silently skipping its scenarios.
 */
abstract class ProviderContractTest {
    /** The id every subclass gives its adapter's config. */
    static final String PROVIDER_ID = "under-test";

    @RegisterExtension
    static final EventLoopExtension LOOP = new EventLoopExtension();

    @RegisterExtension
    static final WireMockExtension UPSTREAM = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String WEATHER_SCHEMA = """
            {"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";
    /** A 1x1 PNG as a data URL; the adapter must carry its bytes to the provider. */
    private static final String PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
            + "hKmMIQAAAABJRU5ErkJggg==";

    private ProviderAdapter adapter;

    // ---- what a subclass says about its adapter ----

    /**
     * The adapter under test, its config id {@link #PROVIDER_ID}, calling {@code upstream} (WireMock
     * or a raw socket server; ignored by an adapter without an upstream), reading with {@code readTimeout}.
     */
    protected abstract ProviderAdapter newAdapter(URI upstream, Duration readTimeout);

    /** The capabilities the adapter must declare. */
    protected abstract Set<ProviderCapability> declaredCapabilities();

    /** The upstream model to call. */
    protected abstract String model();

    /** Whether the adapter calls an upstream; without one, error and fault scenarios are skipped. */
    protected abstract boolean hasUpstream();

    /** The answer to {@link #chatRequest()}: the fixture the upstream sends (unused without one) and its text. */
    protected abstract Reply chatReply();

    /** The streamed answer to {@link #chatRequest()} and its whole text. */
    protected abstract Reply streamReply();

    /** Where a plain ({@code stream} false) or a streamed chat call goes on the upstream. */
    protected String chatPath(boolean stream) {
        throw noUpstream();
    }

    /** Where an embeddings call for {@code model} goes on the upstream. */
    protected String embeddingsPath(String model) {
        throw noUpstream();
    }

    /** The fixtures directory of the provider's wire format. */
    protected String fixtures() {
        throw noUpstream();
    }

    /** A plain answer calling {@code get_weather}, and the call the adapter must make of it. */
    protected ToolReply toolChatReply() {
        throw noUpstream();
    }

    /** A streamed answer calling {@code get_weather}, and the call the adapter must assemble from it. */
    protected ToolReply toolStreamReply() {
        throw noUpstream();
    }

    /** A 400 in the provider's error format and its message. */
    protected ErrorReply badRequestReply() {
        throw noUpstream();
    }

    /** A 5xx in the provider's error format and its message. */
    protected ErrorReply serverErrorReply() {
        throw noUpstream();
    }

    /** A 429 in the provider's error format and its message. */
    protected ErrorReply rateLimitReply() {
        throw noUpstream();
    }

    /** A stream (status 200) that reports an error after some chunks, and that error's message. */
    protected ErrorReply midStreamErrorReply() {
        throw noUpstream();
    }

    /** The provider's answer to an embeddings call for the inputs {@code a} and {@code b}. */
    protected String embeddingsFixture() {
        throw noUpstream();
    }

    private IllegalStateException noUpstream() {
        return new IllegalStateException(getClass().getSimpleName() + " declares no upstream");
    }

    /** An answer the upstream sends ({@code fixture}, null without an upstream) and the text it holds. */
    protected record Reply(String fixture, String text) {
    }

    /** An answer calling a tool, and the first call's name and arguments (JSON). */
    protected record ToolReply(String fixture, String name, String arguments) {
    }

    /** An error answer: status, body fixture, and the provider's message and code the adapter must keep. */
    protected record ErrorReply(int status, String fixture, String message, String code) {
    }

    // ---- the scenarios ----

    @BeforeEach
    void newAdapterUnderTest() {
        adapter = newAdapter(URI.create(UPSTREAM.baseUrl()), Duration.ofSeconds(15));
    }

    @AfterEach
    void closeAdapterUnderTest() {
        adapter.close();
    }

    @Test
    void declaresItsCapabilities() {
        assertThat(adapter.id()).isEqualTo(PROVIDER_ID);
        assertThat(adapter.capabilities()).containsExactlyInAnyOrderElementsOf(declaredCapabilities());
    }

    @Test
    void answersAPlainChat() throws Exception {
        requires(ProviderCapability.CHAT);
        if (hasUpstream()) {
            stubUpstream(chatPath(false), chatReply().fixture(), 200);
        }

        ChatCompletion completion = await(adapter.chat(call(chatRequest())));

        assertThat(completion.object()).isEqualTo(ChatCompletion.OBJECT);
        assertThat(completion.id()).isNotBlank();
        assertThat(completion.choices()).singleElement().satisfies(choice -> {
            assertThat(choice.message().role()).isEqualTo("assistant");
            assertThat(choice.message().text()).isEqualTo(chatReply().text());
            assertThat(choice.finishReason()).isEqualTo("stop");
        });
        assertUsage(completion.usage());
        if (hasUpstream()) {
            UPSTREAM.verify(postRequestedFor(urlEqualTo(chatPath(false)))
                    .withHeader("Content-Type", equalTo("application/json"))
                    .withHeader("Accept", equalTo("application/json"))
                    .withHeader("User-Agent", equalTo(UpstreamCalls.USER_AGENT)));
            assertThat(UpstreamCalls.USER_AGENT).matches("tiergate/\\S+");
        }
    }

    @Test
    void streamsTextInOrderThenTheFinishThenTheUsageEvenUnasked() {
        requires(ProviderCapability.CHAT_STREAM);
        if (hasUpstream()) {
            stubUpstream(chatPath(true), streamReply().fixture(), 200, 10, 300);
        }

        List<ChatChunk> chunks = adapter.chatStream(call(streamRequest())).collectList().block(WAIT);

        assertThat(chunks).hasSizeGreaterThanOrEqualTo(3);
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.object()).isEqualTo(ChatChunk.OBJECT);
            assertThat(c.id()).isEqualTo(chunks.getFirst().id());
        });
        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isEqualTo("assistant");
        assertThat(text(chunks)).isEqualTo(streamReply().text());
        assertThat(chunks).filteredOn(c -> c.finishReason() != null).singleElement()
                .isSameAs(chunks.get(chunks.size() - 2))
                .extracting(ChatChunk::finishReason).isEqualTo("stop");
        assertUsageOnly(chunks.getLast());
        if (hasUpstream()) {
            UPSTREAM.verify(postRequestedFor(urlEqualTo(chatPath(true)))
                    .withHeader("Content-Type", equalTo("application/json"))
                    .withHeader("Accept", equalTo("text/event-stream"))
                    .withHeader("User-Agent", equalTo(UpstreamCalls.USER_AGENT)));
        }
    }

    @Test
    void streamsChunksWhileTheUpstreamIsStillSending() {
        requires(ProviderCapability.CHAT_STREAM);
        requiresUpstream();
        stubUpstream(chatPath(true), streamReply().fixture(), 200, 8, 1200);
        List<Long> arrivals = new CopyOnWriteArrayList<>();

        adapter.chatStream(call(streamRequest())).doOnNext(c -> arrivals.add(System.nanoTime())).blockLast(WAIT);

        assertThat(TimeUnit.NANOSECONDS.toMillis(arrivals.getLast() - arrivals.getFirst())).isGreaterThan(300);
    }

    @Test
    void callsAToolPlain() throws Exception {
        requires(ProviderCapability.CHAT, ProviderCapability.TOOLS);
        requiresUpstream();
        ToolReply reply = toolChatReply();
        stubUpstream(chatPath(false), reply.fixture(), 200);

        ChatCompletion completion = await(adapter.chat(call(toolRequest())));

        ChatCompletion.Choice choice = completion.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo("tool_calls");
        ToolCall first = choice.message().toolCalls().getFirst();
        assertThat(first.id()).isNotBlank();
        assertThat(first.type()).isEqualTo("function");
        assertThat(first.function().name()).isEqualTo(reply.name());
        assertThat(json(first.function().arguments())).isEqualTo(json(reply.arguments()));
        assertThat(lastRequestBody()).contains("get_weather");
    }

    @Test
    void callsAToolStreamed() {
        requires(ProviderCapability.CHAT_STREAM, ProviderCapability.TOOLS);
        requiresUpstream();
        ToolReply reply = toolStreamReply();
        stubUpstream(chatPath(true), reply.fixture(), 200, 6, 200);

        List<ChatChunk> chunks = adapter.chatStream(call(toolRequest().withStream(true, null)))
                .collectList().block(WAIT);

        List<ToolCall> fragments = chunks.stream()
                .flatMap(c -> c.choices().stream())
                .filter(choice -> choice.delta() != null && choice.delta().toolCalls() != null)
                .flatMap(choice -> choice.delta().toolCalls().stream())
                .filter(call -> call.index() == 0)
                .toList();
        // as OpenAI streams a call: it opens with its id, type, name and no arguments yet ...
        assertThat(fragments.getFirst().id()).isNotBlank();
        assertThat(fragments.getFirst().type()).isEqualTo("function");
        assertThat(fragments.getFirst().function().name()).isEqualTo(reply.name());
        assertThat(fragments.getFirst().function().arguments()).isEmpty();
        // ... then brings the arguments in later fragments that name neither id nor function
        assertThat(fragments.subList(1, fragments.size())).isNotEmpty().allSatisfy(fragment -> {
            assertThat(fragment.id()).isNull();
            assertThat(fragment.function().name()).isNull();
            assertThat(fragment.function().arguments()).isNotNull();
        });
        String arguments = fragments.stream().map(call -> call.function().arguments()).filter(Objects::nonNull)
                .collect(Collectors.joining());
        assertThat(json(arguments)).isEqualTo(json(reply.arguments()));
        assertThat(chunks.get(chunks.size() - 2).finishReason()).isEqualTo("tool_calls");
        assertUsageOnly(chunks.getLast());
    }

    @Test
    void carriesAnImageToTheUpstream() throws Exception {
        requires(ProviderCapability.CHAT, ProviderCapability.IMAGES);
        requiresUpstream();
        stubUpstream(chatPath(false), chatReply().fixture(), 200);
        Message withImage = new Message("user", new MessageContent.Parts(List.of(ContentPart.text("What is this?"),
                ContentPart.image("data:image/png;base64," + PNG_BASE64))), null, null, null, Map.of());

        await(adapter.chat(call(ChatRequest.of(model(), List.of(withImage)))));

        assertThat(lastRequestBody()).contains(PNG_BASE64);
    }

    @Test
    void embedsTexts() throws Exception {
        requires(ProviderCapability.EMBEDDINGS);
        if (hasUpstream()) {
            stubUpstream(embeddingsPath(embeddingModel()), embeddingsFixture(), 200);
        }

        EmbeddingResponse response = await(adapter.embed(embeddingCall()));

        assertThat(response.data()).hasSize(2).allSatisfy(item -> assertThat(item.get("embedding")).isNotEmpty());
        assertThat(response.data()).extracting(item -> item.get("index").asInt()).containsExactly(0, 1);
    }

    @Test
    void refusesEmbeddingsItCannotMakeWithoutCallingTheUpstream() {
        assumeFalse(adapter.capabilities().contains(ProviderCapability.EMBEDDINGS), "the adapter embeds");

        GatewayError error = failureOf(adapter.embed(embeddingCall()));

        assertThat(error).isInstanceOf(InvalidRequestError.class);
        assertThat(error.code()).isEqualTo("model_not_supported");
        UPSTREAM.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aBadRequestKeepsTheProvidersMessageAndIsNotRetryable() {
        requires(ProviderCapability.CHAT);
        requiresUpstream();
        ErrorReply reply = badRequestReply();
        stubUpstream(chatPath(false), reply.fixture(), reply.status());

        UpstreamError error = (UpstreamError) failureOf(adapter.chat(call(chatRequest())));

        assertThat(error.upstreamStatus()).isEqualTo(reply.status());
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.getMessage()).isEqualTo(reply.message());
        assertThat(error.code()).isEqualTo(reply.code());
        assertThat(error.retryable()).isFalse();
        assertThat(error.provider()).isEqualTo(PROVIDER_ID);
    }

    @Test
    void aServerErrorIsRetryableAndFailsAStreamBeforeAnyChunk() {
        requires(ProviderCapability.CHAT, ProviderCapability.CHAT_STREAM);
        requiresUpstream();
        ErrorReply reply = serverErrorReply();
        stubChatPaths(aResponse().withStatus(reply.status()).withBody(Fixtures.read(fixtures(), reply.fixture())));
        List<ChatChunk> seen = new CopyOnWriteArrayList<>();

        UpstreamError plain = (UpstreamError) failureOf(adapter.chat(call(chatRequest())));
        UpstreamError streamed = (UpstreamError) failureOf(adapter.chatStream(call(streamRequest()))
                .doOnNext(seen::add));

        assertThat(seen).isEmpty();
        assertThat(List.of(plain, streamed)).allSatisfy(error -> {
            assertThat(error.upstreamStatus()).isEqualTo(reply.status());
            assertThat(error.status()).isEqualTo(502);
            assertThat(error.getMessage()).isEqualTo(reply.message());
            assertThat(error.code()).isEqualTo(reply.code());
            assertThat(error.retryable()).isTrue();
        });
    }

    @Test
    void anErrorBodyThatIsNotJsonBecomesTheMessage() {
        requires(ProviderCapability.CHAT);
        requiresUpstream();
        UPSTREAM.stubFor(post(urlEqualTo(chatPath(false)))
                .willReturn(aResponse().withStatus(502).withBody("<html>Bad gateway</html>")));

        UpstreamError error = (UpstreamError) failureOf(adapter.chat(call(chatRequest())));

        assertThat(error.getMessage()).isEqualTo("<html>Bad gateway</html>");
        assertThat(error.retryable()).isTrue();
    }

    @Test
    void aMidStreamErrorFailsTheStreamAfterTheChunksBeforeIt() {
        requires(ProviderCapability.CHAT_STREAM);
        requiresUpstream();
        ErrorReply reply = midStreamErrorReply();
        stubUpstream(chatPath(true), reply.fixture(), reply.status());
        List<ChatChunk> seen = new CopyOnWriteArrayList<>();

        UpstreamError error = (UpstreamError) failureOf(adapter.chatStream(call(streamRequest())).doOnNext(seen::add));

        assertThat(seen).isNotEmpty();
        assertThat(error.getMessage()).isEqualTo(reply.message());
        assertThat(error.code()).isEqualTo(reply.code());
        assertThat(error.retryable()).isTrue();
    }

    @Test
    void aMalformedEventFailsTheStream() {
        requires(ProviderCapability.CHAT_STREAM);
        requiresUpstream();
        UPSTREAM.stubFor(post(urlEqualTo(chatPath(true))).willReturn(aResponse()
                .withHeader("content-type", "text/event-stream").withBody("data: {\"half\": \n\n")));

        UpstreamError error = (UpstreamError) failureOf(adapter.chatStream(call(streamRequest())));

        assertThat(error.code()).isEqualTo("upstream_malformed_response");
        assertThat(error.retryable()).isFalse();
    }

    @Test
    void aRateLimitSurfacesRetryAfter() {
        requires(ProviderCapability.CHAT, ProviderCapability.CHAT_STREAM);
        requiresUpstream();
        ErrorReply reply = rateLimitReply();
        stubChatPaths(aResponse().withStatus(reply.status()).withHeader("retry-after", "7")
                .withBody(Fixtures.read(fixtures(), reply.fixture())));

        UpstreamError plain = (UpstreamError) failureOf(adapter.chat(call(chatRequest())));
        UpstreamError streamed = (UpstreamError) failureOf(adapter.chatStream(call(streamRequest())));

        assertThat(List.of(plain, streamed)).allSatisfy(error -> {
            assertThat(error.status()).isEqualTo(429);
            assertThat(error.getMessage()).isEqualTo(reply.message());
            assertThat(error.code()).isEqualTo(reply.code());
            assertThat(error.retryable()).isTrue();
            assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        });
    }

    @Test
    void aConnectionResetBeforeTheResponseIsARetryableConnectionError() {
        requires(ProviderCapability.CHAT, ProviderCapability.CHAT_STREAM);
        requiresUpstream();
        stubChatPaths(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        UpstreamError plain = (UpstreamError) failureOf(adapter.chat(call(chatRequest())));
        UpstreamError streamed = (UpstreamError) failureOf(adapter.chatStream(call(streamRequest())));

        assertThat(List.of(plain, streamed)).allSatisfy(this::assertConnectionError);
    }

    @Test
    void aConnectionResetMidStreamFailsAfterTheChunksBeforeIt() throws IOException {
        requires(ProviderCapability.CHAT_STREAM);
        requiresUpstream();
        byte[] firstEvent = firstEvent(streamReply().fixture());
        List<ChatChunk> seen = new CopyOnWriteArrayList<>();
        CountDownLatch firstChunkTaken = new CountDownLatch(1);
        try (RawSocketUpstream upstream = RawSocketUpstream.resetting((head, in, out) -> {
            RawSocketUpstream.write(out, "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                    + "transfer-encoding: chunked\r\n\r\n" + Integer.toHexString(firstEvent.length) + "\r\n");
            out.write(firstEvent);
            RawSocketUpstream.write(out, "\r\n");
            awaitQuietly(firstChunkTaken); // a reset discards what the client has not read yet
            return false;
        }); ProviderAdapter local = newAdapter(upstream.uri(""), Duration.ofSeconds(5))) {

            GatewayError error = failureOf(local.chatStream(call(streamRequest())).doOnNext(chunk -> {
                seen.add(chunk);
                firstChunkTaken.countDown();
            }));

            assertThat(seen).isNotEmpty();
            assertConnectionError(error);
        }
    }

    @Test
    void aMalformedResponseChunkIsARetryableConnectionError() {
        requires(ProviderCapability.CHAT, ProviderCapability.CHAT_STREAM);
        requiresUpstream();
        stubChatPaths(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK));

        GatewayError plain = failureOf(adapter.chat(call(chatRequest())));
        GatewayError streamed = failureOf(adapter.chatStream(call(streamRequest())));

        assertThat(List.of(plain, streamed)).allSatisfy(this::assertConnectionError);
    }

    @Test
    void aSlowFirstByteIsATimeout() {
        requires(ProviderCapability.CHAT, ProviderCapability.CHAT_STREAM);
        requiresUpstream();
        stubChatPaths(aResponse().withFixedDelay(2000).withBody(Fixtures.read(fixtures(), chatReply().fixture())));

        try (ProviderAdapter impatient = newAdapter(URI.create(UPSTREAM.baseUrl()), Duration.ofMillis(300))) {
            assertThat(failureOf(impatient.chat(call(chatRequest())))).isInstanceOf(TimeoutError.class);
            assertThat(failureOf(impatient.chatStream(call(streamRequest())))).isInstanceOf(TimeoutError.class);
        }
    }

    @Test
    void cancellingAStreamClosesTheUpstreamConnection() throws Exception {
        requires(ProviderCapability.CHAT_STREAM);
        requiresUpstream();
        byte[] firstEvent = firstEvent(streamReply().fixture());
        CountDownLatch hungUp = new CountDownLatch(1);
        try (RawSocketUpstream upstream = new RawSocketUpstream((head, in, out) -> {
            RawSocketUpstream.write(out, "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                    + "transfer-encoding: chunked\r\n\r\n" + Integer.toHexString(firstEvent.length) + "\r\n");
            out.write(firstEvent);
            RawSocketUpstream.write(out, "\r\n");
            if (RawSocketUpstream.waitsForEof(in)) {
                hungUp.countDown();
            }
            return false;
        }); ProviderAdapter local = newAdapter(upstream.uri(""), Duration.ofSeconds(5))) {

            ChatChunk first = local.chatStream(call(streamRequest())).next().block(WAIT);

            assertThat(first).isNotNull();
            assertThat(hungUp.await(5, TimeUnit.SECONDS)).as("the upstream saw the connection close").isTrue();
        }
    }

    // ---- helpers ----

    private void requires(ProviderCapability... capabilities) {
        assumeTrue(adapter.capabilities().containsAll(Arrays.asList(capabilities)),
                () -> "the adapter does not declare " + Arrays.toString(capabilities));
    }

    private void requiresUpstream() {
        assumeTrue(hasUpstream(), "the adapter calls no upstream");
    }

    private ChatRequest chatRequest() {
        return ChatRequest.of(model(), List.of(Message.system("Be brief."), Message.user("Say hello")));
    }

    /** A stream whose client did not ask for usage: the adapter must report it all the same. */
    private ChatRequest streamRequest() {
        return chatRequest().withStream(true, null);
    }

    private ChatRequest toolRequest() {
        Tool weather = new Tool("function", new Tool.FunctionDefinition("get_weather", "The weather in a city",
                json(WEATHER_SCHEMA), null), Map.of());
        return new ChatRequest(model(), List.of(Message.user("Weather in Paris?")), null, null, null, null, null,
                null, null, null, null, List.of(weather), null, null, null, Map.of());
    }

    private ProviderCall call(ChatRequest request) {
        return new ProviderCall("req-contract", request,
                new ModelConfig("contract", PROVIDER_ID, request.model(), ModelConfig.CHAT, null), LOOP.next());
    }

    /** The model of {@link #embeddingCall()}. */
    private static String embeddingModel() {
        return "text-embedding-004";
    }

    private EmbeddingCall embeddingCall() {
        EmbeddingRequest request = new EmbeddingRequest(embeddingModel(),
                Json.mapper().createArrayNode().add("a").add("b"), null, null, null, Map.of());
        ModelConfig model = new ModelConfig("contract-embed", PROVIDER_ID, embeddingModel(), ModelConfig.EMBEDDING,
                null);
        return new EmbeddingCall("req-contract", request, model, LOOP.next());
    }

    private void stubUpstream(String path, String fixture, int status) {
        UPSTREAM.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(status)
                .withBody(Fixtures.read(fixtures(), fixture))));
    }

    /** Both the plain and the streamed chat path answer {@code response}. */
    private void stubChatPaths(ResponseDefinitionBuilder response) {
        UPSTREAM.stubFor(post(urlEqualTo(chatPath(false))).willReturn(response));
        UPSTREAM.stubFor(post(urlEqualTo(chatPath(true))).willReturn(response));
    }

    /** The fixture dribbled in {@code chunks} pieces over {@code millis}. */
    private void stubUpstream(String path, String fixture, int status, int chunks, int millis) {
        UPSTREAM.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(status)
                .withHeader("content-type", "text/event-stream")
                .withBody(Fixtures.read(fixtures(), fixture)).withChunkedDribbleDelay(chunks, millis)));
    }

    /** The first SSE event of a stream fixture, its blank line included. */
    private byte[] firstEvent(String fixture) {
        String[] events = Fixtures.read(fixtures(), fixture).split("(?<=\r?\n\r?\n)", 2);
        return events[0].getBytes(StandardCharsets.UTF_8);
    }

    private String lastRequestBody() {
        return UPSTREAM.getAllServeEvents().getFirst().getRequest().getBodyAsString();
    }

    private static String text(List<ChatChunk> chunks) {
        return chunks.stream().flatMap(c -> c.choices().stream())
                .map(choice -> choice.delta() == null ? null : choice.delta().content())
                .filter(Objects::nonNull)
                .collect(Collectors.joining());
    }

    private static void assertUsage(Usage usage) {
        assertThat(usage).isNotNull();
        assertThat(usage.promptTokens()).isPositive();
        assertThat(usage.completionTokens()).isPositive();
        assertThat(usage.totalTokens()).isGreaterThanOrEqualTo(usage.promptTokens() + usage.completionTokens());
    }

    private static void assertUsageOnly(ChatChunk chunk) {
        assertThat(chunk.choices()).as("the last chunk carries only usage").isEmpty();
        assertUsage(chunk.usage());
    }

    private void assertConnectionError(GatewayError error) {
        assertThat(error).isInstanceOfSatisfying(UpstreamError.class, e -> {
            assertThat(e.upstreamStatus()).isZero();
            assertThat(e.code()).isEqualTo("upstream_unavailable");
            assertThat(e.retryable()).isTrue();
            assertThat(e.provider()).isEqualTo(PROVIDER_ID);
        });
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
