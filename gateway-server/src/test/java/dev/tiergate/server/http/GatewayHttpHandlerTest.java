package dev.tiergate.server.http;

import dev.tiergate.core.memory.ByteBudget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.json.Json;
import dev.tiergate.server.auth.AuthFailures;
import dev.tiergate.server.requests.RequestListener;
import dev.tiergate.server.reliability.NettyLeakDetection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connection handler with the aggregator in front of it, as {@link GatewayChannelInitializer}
 * assembles them, on an {@link EmbeddedChannel}: pipelined requests are answered in order and one
 * at a time, {@code Connection: close}, oversized and malformed requests end the connection after
 * the answers owed before them, and a closed connection cancels its request without leaking.
 */
@ExtendWith(NettyLeakDetection.class)
class GatewayHttpHandlerTest {
    private static final int MAX_REQUEST_BYTES = 256;
    private static final Duration NEVER = Duration.ofHours(1);

    /** Answers at once, echoing the request body. */
    private final StubEndpoint now = new StubEndpoint(true);
    /** Answers when the test says so. */
    private final StubEndpoint later = new StubEndpoint(false);
    /** Runs out of memory while answering. */
    private final OutOfMemoryError oom = new OutOfMemoryError("test: Java heap space");
    private final InFlightRequests inFlight = new InFlightRequests();
    private final ByteBudget budget = new ByteBudget(1 << 20);
    private final List<RequestListener.FinishedRequest> finished = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeEach
    void connect() {
        Map<GatewayHttpHandler.Route, Endpoint> routes = Map.of(
                new GatewayHttpHandler.Route(HttpMethod.POST, "/now"), now,
                new GatewayHttpHandler.Route(HttpMethod.POST, "/later"), later,
                new GatewayHttpHandler.Route(HttpMethod.POST, "/oom"), call -> {
                    throw oom;
                });
        channel = new EmbeddedChannel(new GatewayChannelInitializer(routes,
                new ConnectionSettings(MAX_REQUEST_BYTES, NEVER, NEVER, 1000, NEVER), inFlight, finished::add,
                AuthFailures.NONE, budget, authorization -> false));
    }

    @AfterEach
    void everyBodyIsGivenBackToTheBudget() {
        channel.finishAndReleaseAll();
        assertThat(budget.held()).as("request bytes still held once the connection is closed").isZero();
    }

    @Test
    void anOutOfMemoryErrorWhileAnsweringGoesToTheThreadsHandlerAndEndsTheConnection() throws Exception {
        List<Throwable> escalated = new ArrayList<>();
        Thread loop = new Thread(() -> send(post("/oom", "x")), "test-loop");
        loop.setUncaughtExceptionHandler((thread, e) -> escalated.add(e));
        loop.start();
        loop.join(5_000);

        assertThat(escalated).containsExactly(oom);
        assertThat(channel.isActive()).isFalse();
        assertThat(inFlight.count()).isZero();
        assertThat(finished).extracting(RequestListener.FinishedRequest::status).containsExactly(499);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @ParameterizedTest(name = "{0} requests")
    @ValueSource(ints = {2, 3})
    void requestsPipelinedInOneWriteAreAnsweredInOrderEachOnce(int count) {
        send(IntStream.rangeClosed(1, count).mapToObj(i -> post("/now", String.valueOf(i))).toArray(String[]::new));

        List<Answer> answers = answers();
        List<String> bodies = IntStream.rangeClosed(1, count).mapToObj(String::valueOf).toList();
        assertThat(answers).extracting(Answer::status).containsOnly(200);
        assertThat(answers).extracting(Answer::body).containsExactlyElementsOf(bodies);
        assertThat(now.bodies()).containsExactlyElementsOf(bodies);
        List<String> ids = now.requestIds();
        assertThat(ids).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).startsWith("req_"));
        assertThat(answers).extracting(Answer::requestId).containsExactlyElementsOf(ids);
        assertThat(finished).extracting(RequestListener.FinishedRequest::requestId).containsExactlyElementsOf(ids);
        assertThat(finished).extracting(RequestListener.FinishedRequest::route).containsOnly("/now");
        assertThat(channel.isActive()).isTrue();
        assertThat(inFlight.count()).isZero();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aPipelinedRequestWaitsUntilTheOneBeforeItIsAnswered() {
        send(post("/later", "1"), post("/later", "2"), post("/now", "3"));
        assertThat(later.bodies()).containsExactly("1");
        assertThat(now.bodies()).isEmpty();
        assertThat(answers()).isEmpty();
        assertThat(inFlight.count()).isOne();

        later.answer(0);
        channel.runPendingTasks();
        assertThat(answers()).extracting(Answer::body).containsExactly("1");
        assertThat(later.bodies()).containsExactly("1", "2");
        assertThat(now.bodies()).isEmpty();

        later.answer(1);
        channel.runPendingTasks();
        List<Answer> answers = answers();
        assertThat(answers).extracting(Answer::body).containsExactly("2", "3");
        assertThat(answers).extracting(Answer::requestId)
                .containsExactly(later.calls.get(1).requestId, now.calls.getFirst().requestId);
        assertThat(finished).extracting(RequestListener.FinishedRequest::requestId).doesNotHaveDuplicates().hasSize(3);
        assertThat(channel.isActive()).isTrue();
        assertThat(inFlight.count()).isZero();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void connectionCloseIsTheLastRequestAnswered() {
        send(post("/now", "1"), post("/now", "2", "Connection: close"), post("/now", "3"));

        List<Answer> answers = answers();
        assertThat(answers).extracting(Answer::body).containsExactly("1", "2");
        assertThat(answers).extracting(Answer::connection).containsExactly(null, "close");
        assertThat(now.bodies()).as("requests after Connection: close are not run").containsExactly("1", "2");
        assertThat(channel.isOpen()).isFalse();
        assertThat(inFlight.count()).isZero();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void connectionCloseOnARequestInProgressDropsTheRequestsQueuedBehindIt() {
        send(post("/later", "1", "Connection: close"), post("/now", "2"));
        later.answer(0);
        channel.runPendingTasks();

        assertThat(answers()).extracting(Answer::body, Answer::connection).containsExactly(tuple("1", "close"));
        assertThat(now.bodies()).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(inFlight.count()).isZero();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void connectionCloseWhileItsAnswerIsStillBeingWrittenDropsTheRequestsQueuedBehindIt() {
        SlowSocket socket = new SlowSocket();
        channel.pipeline().addFirst(socket);
        send(post("/later", "1", "Connection: close"), post("/now", "2"));
        later.answer(0);
        channel.runPendingTasks();
        assertThat(now.bodies()).as("not run while the answer before it is still being written").isEmpty();

        socket.writeHeld();
        channel.runPendingTasks();
        assertThat(answers()).extracting(Answer::body, Answer::connection).containsExactly(tuple("1", "close"));
        assertThat(now.bodies()).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(inFlight.count()).isZero();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anOversizedBodyGets413InOpenAiShapeAndTheConnectionCloses() throws IOException {
        send(head("/now", MAX_REQUEST_BYTES + 1) + "x".repeat(10));

        List<Answer> answers = answers();
        assertThat(answers).hasSize(1);
        Answer answer = answers.getFirst();
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.connection()).isEqualTo("close");
        assertOpenAiError(answer.body(), "request_too_large", "larger than " + MAX_REQUEST_BYTES + " bytes");
        assertThat(now.calls).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anOversizedChunkedBodyGets413() throws IOException {
        String chunk = "x".repeat(200);
        send("POST /now HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "c8\r\n" + chunk + "\r\nc8\r\n" + chunk + "\r\n0\r\n\r\n");

        List<Answer> answers = answers();
        assertThat(answers).extracting(Answer::status).containsExactly(413);
        assertOpenAiError(answers.getFirst().body(), "request_too_large", "larger than " + MAX_REQUEST_BYTES + " bytes");
        assertThat(now.calls).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void requestsPipelinedBehindAnOversizedOneAreNotRun() {
        send(head("/now", MAX_REQUEST_BYTES + 1) + "x".repeat(MAX_REQUEST_BYTES + 1), post("/now", "2"));

        assertThat(answers()).extracting(Answer::status).containsExactly(413);
        assertThat(now.calls).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anOversizedRequestPipelinedBehindOneInProgressIsAnsweredAfterIt() {
        send(post("/later", "1"), head("/now", MAX_REQUEST_BYTES + 1));
        assertThat(answers()).as("nothing may overtake the answer to the first request").isEmpty();
        assertThat(later.cancelled).isEmpty();

        later.answer(0);
        channel.runPendingTasks();
        List<Answer> answers = answers();
        assertThat(answers).extracting(Answer::status).containsExactly(200, 413);
        assertThat(answers).extracting(Answer::body).first().isEqualTo("1");
        assertThat(channel.isOpen()).isFalse();
        assertThat(inFlight.count()).isZero();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "GARBAGE\r\n\r\n",
            "POST /n ow HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n1",
            "GET /\n\n",
            "POST /now HTTP/1.1\r\nHost: x\r\nNoColonHere\r\nContent-Length: 1\r\n\r\n1",
            "POST /now HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
            "POST /now HTTP/1.1\r\nHost: x\r\nX-Ctl: a\u0001b\r\nContent-Length: 1\r\n\r\n1",
            "POST /now HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n1\r\n0\r\n\r\n",
    })
    void aMalformedRequestGets400AndTheConnectionCloses(String raw) throws IOException {
        send(raw, post("/now", "2"));

        List<Answer> answers = answers();
        assertThat(answers).extracting(Answer::status).containsExactly(400);
        assertThat(answers.getFirst().connection()).isEqualTo("close");
        assertOpenAiError(answers.getFirst().body(), "bad_http_request", "malformed HTTP request");
        assertThat(now.calls).as("neither the malformed request nor one behind it is run").isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aMalformedRequestPipelinedBehindOneInProgressIsAnsweredAfterIt() {
        send(post("/later", "1"), "GARBAGE\r\n\r\n");
        assertThat(answers()).isEmpty();

        later.answer(0);
        channel.runPendingTasks();
        assertThat(answers()).extracting(Answer::status).containsExactly(200, 400);
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anUndecodablePathIsA404AndTheConnectionStaysUsable() {
        send(post("/%zz", "1"), post("/now", "2"));

        assertThat(answers()).extracting(Answer::status).containsExactly(404, 200);
        assertThat(now.bodies()).containsExactly("2");
        assertThat(channel.isActive()).isTrue();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aRequestReadWhileTheNextQueuedOneIsAboutToStartWaitsItsTurn() {
        send(post("/later", "1"), post("/later", "2"));
        later.answer(0);
        send(post("/now", "3"));

        assertThat(later.bodies()).containsExactly("1", "2");
        assertThat(now.calls).as("not run before the request queued ahead of it").isEmpty();
        later.answer(1);
        channel.runPendingTasks();
        assertThat(answers()).extracting(Answer::body).containsExactly("1", "2", "3");
        assertThat(inFlight.count()).isZero();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void closingTheConnectionCancelsTheRequestInProgressAndDropsTheQueuedOnes() {
        send(post("/later", "1"), post("/later", "2"), post("/now", "3"));
        HttpCall first = later.calls.getFirst();

        channel.close();
        channel.runPendingTasks();

        assertThat(later.cancelled).containsExactly(first);
        assertThat(later.bodies()).containsExactly("1");
        assertThat(now.calls).isEmpty();
        assertThat(finished).singleElement().satisfies(request -> {
            assertThat(request.requestId()).isEqualTo(first.requestId);
            assertThat(request.status()).isEqualTo(499);
            assertThat(request.outcome()).isEqualTo("client_closed");
        });
        assertThat(inFlight.count()).isZero();

        FullHttpResponse tooLate = HttpResponses.json(HttpResponseStatus.OK, new byte[] {'1'}, first.requestId);
        first.respond(tooLate, "too_late");
        assertThat(tooLate.refCnt()).as("an answer after the cancel is released, not written").isZero();
        assertThat(finished).hasSize(1);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void closingTheConnectionReleasesAHalfReadRequest() {
        ByteBuf sent = bytes(post("/later", "1") + head("/now", 10) + "12345");
        channel.writeInbound(sent);
        assertThat(later.calls).hasSize(1);

        channel.close();
        channel.runPendingTasks();

        assertThat(later.cancelled).hasSize(1);
        assertThat(now.calls).isEmpty();
        assertThat(sent.refCnt()).as("the bytes of the half-read request are released").isZero();
        assertThat(inFlight.count()).isZero();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    private static void assertOpenAiError(String body, String code, String message) throws IOException {
        JsonNode error = Json.mapper().readTree(body).get("error");
        assertThat(error).isNotNull();
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).contains(message);
        assertThat(error.has("param")).isTrue();
        assertThat(error.get("param").isNull()).isTrue();
    }

    private static String post(String path, String body, String... headers) {
        return head(path, body.length(), headers) + body;
    }

    private static String head(String path, int contentLength, String... headers) {
        StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: x\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        return head.append("Content-Length: ").append(contentLength).append("\r\n\r\n").toString();
    }

    /** Writes all requests in one buffer, as a pipelining client's single write. */
    private void send(String... requests) {
        channel.writeInbound(bytes(String.join("", requests)));
        assertThat((Object) channel.readInbound()).as("nothing passes the gateway handler").isNull();
    }

    private ByteBuf bytes(String text) {
        ByteBuf buf = channel.alloc().buffer();
        buf.writeCharSequence(text, StandardCharsets.ISO_8859_1);
        return buf;
    }

    /** Decodes what the server wrote so far into whole responses. */
    private List<Answer> answers() {
        EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 16));
        for (Object out; (out = channel.readOutbound()) != null; ) {
            client.writeInbound(out);
        }
        List<Answer> answers = new ArrayList<>();
        for (FullHttpResponse res; (res = client.readInbound()) != null; ) {
            answers.add(new Answer(res.status().code(), res.headers().get(TiergateHeaders.REQUEST_ID),
                    res.headers().get(HttpHeaderNames.CONNECTION), res.content().toString(StandardCharsets.UTF_8)));
            res.release();
        }
        assertThat(client.finishAndReleaseAll()).as("a partial response").isFalse();
        return answers;
    }

    private record Answer(int status, String requestId, String connection, String body) {
    }

    /** Records its calls; answers at once with the request body, or when {@link #answer} is called. */
    private static final class StubEndpoint implements Endpoint {
        private final boolean atOnce;
        final List<HttpCall> calls = new ArrayList<>();
        final List<HttpCall> cancelled = new ArrayList<>();

        StubEndpoint(boolean atOnce) {
            this.atOnce = atOnce;
        }

        @Override
        public void handle(HttpCall exchange) {
            calls.add(exchange);
            exchange.onCancel(() -> cancelled.add(exchange));
            if (atOnce) {
                echo(exchange);
            }
        }

        void answer(int call) {
            echo(calls.get(call));
        }

        private static void echo(HttpCall exchange) {
            exchange.respond(HttpResponses.json(HttpResponseStatus.OK, exchange.request.body(), exchange.requestId), "ok");
        }

        List<String> bodies() {
            return calls.stream().map(e -> new String(e.request.body(), StandardCharsets.UTF_8)).toList();
        }

        List<String> requestIds() {
            return calls.stream().map(e -> e.requestId).toList();
        }
    }

    /** A socket that has not written yet: writes stay pending until {@link #writeHeld()}. */
    private static final class SlowSocket extends ChannelOutboundHandlerAdapter {
        private record Held(Object msg, ChannelPromise promise) {
        }

        private final List<Held> held = new ArrayList<>();
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            held.add(new Held(msg, promise));
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
        }

        void writeHeld() {
            List<Held> pending = List.copyOf(held);
            held.clear();
            pending.forEach(h -> ctx.write(h.msg(), h.promise()));
            ctx.flush();
        }
    }
}
