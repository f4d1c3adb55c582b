package dev.tiergate.server.http;

import dev.tiergate.core.memory.ByteBudget;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.json.Json;
import dev.tiergate.server.auth.AuthFailures;
import dev.tiergate.server.reliability.NettyLeakDetection;
import io.netty.buffer.ByteBuf;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What one connection, or all of them, may hold: no body over the pre-authentication bound is read
 * without a known key, request bodies fit a shared budget, requests in flight are capped, and a
 * connection is not read while a request waits its turn.
 */
@ExtendWith(NettyLeakDetection.class)
class ConnectionMemoryTest {
    private static final String KEY = "Bearer sk-known";
    private static final int MAX_REQUEST_BYTES = 1 << 20;
    private static final Duration NEVER = Duration.ofHours(1);
    private static final int BIG = (int) RequestHeadGate.PRE_AUTH_BODY_BYTES + 1;

    private final InFlightRequests inFlight = new InFlightRequests();
    /** Endpoints that answer later keep their calls here. */
    private final List<HttpCall> held = new ArrayList<>();
    private final List<Integer> bodyLengths = new ArrayList<>();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private ByteBudget budget = new ByteBudget(4L * MAX_REQUEST_BYTES);
    private int maxInFlight = 100;

    @AfterEach
    void everythingIsGivenBack() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        assertThat(budget.held()).isZero();
    }

    @Test
    void aLargeBodyWithoutAKnownKeyIsNotReadAnd401EndsTheConnection() throws IOException {
        EmbeddedChannel channel = connect();
        ByteBuf sent = bytes(channel, post("/echo", BIG, null) + post("/echo", 10, KEY));
        channel.writeInbound(sent);

        List<FullAnswer> answers = answers(channel);
        assertThat(answers).extracting(FullAnswer::status).containsExactly(401);
        assertThat(answers.getFirst().connection()).isEqualTo("close");
        assertThat(error(answers.getFirst()).get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(bodyLengths).as("no endpoint saw a body").isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(budget.held()).isZero();
    }

    @Test
    void aLargeBodyWithAKnownKeyAndASmallOneWithoutAreRead() {
        EmbeddedChannel channel = connect();
        channel.writeInbound(bytes(channel, post("/echo", BIG, KEY) + post("/echo", 100, null)));

        assertThat(answers(channel)).extracting(FullAnswer::status).containsExactly(200, 200);
        assertThat(bodyLengths).containsExactly(BIG, 100);
        assertThat(channel.isActive()).isTrue();
        assertThat(budget.held()).as("given back once answered").isZero();
    }

    @Test
    void aBodyThatDoesNotFitTheSharedBudgetGets503WithRetryAfter() throws IOException {
        budget = new ByteBudget(150_000);
        EmbeddedChannel first = connect();
        first.writeInbound(bytes(first, post("/later", 100_000, KEY)));
        assertThat(held).hasSize(1);
        assertThat(budget.held()).isEqualTo(100_000);

        EmbeddedChannel second = connect();
        second.writeInbound(bytes(second, post("/echo", 100_000, KEY)));
        List<FullAnswer> refused = answers(second);
        assertThat(refused).extracting(FullAnswer::status).containsExactly(503);
        assertThat(refused.getFirst().retryAfter()).isEqualTo("1");
        assertThat(error(refused.getFirst()).get("code").asText()).isEqualTo("overloaded");
        assertThat(second.isOpen()).isFalse();

        answer(held.getFirst());
        first.runPendingTasks();
        assertThat(budget.held()).isZero();
        EmbeddedChannel third = connect();
        third.writeInbound(bytes(third, post("/echo", 100_000, KEY)));
        assertThat(answers(third)).extracting(FullAnswer::status).containsExactly(200);
    }

    @Test
    void pastTheInFlightLimitNewRequestsGet503ButProbesAreAnswered() {
        maxInFlight = 1;
        EmbeddedChannel busy = connect();
        busy.writeInbound(bytes(busy, post("/later", 10, KEY)));
        assertThat(inFlight.count()).isOne();

        EmbeddedChannel other = connect();
        other.writeInbound(bytes(other, post("/echo", 10, KEY) + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
        List<FullAnswer> answers = answers(other);
        assertThat(answers).extracting(FullAnswer::status).containsExactly(503, 200);
        assertThat(answers.getFirst().retryAfter()).isEqualTo("1");
        assertThat(other.isActive()).as("a 503 for load keeps the connection").isTrue();

        answer(held.getFirst());
        busy.runPendingTasks();
        other.writeInbound(bytes(other, post("/echo", 10, KEY)));
        assertThat(answers(other)).extracting(FullAnswer::status).containsExactly(200);
    }

    @Test
    void theConnectionIsNotReadWhileARequestWaitsItsTurn() {
        EmbeddedChannel channel = connect();
        channel.writeInbound(bytes(channel, post("/later", 10, KEY)));
        assertThat(channel.config().isAutoRead()).as("nothing waits: reading goes on").isTrue();

        channel.writeInbound(bytes(channel, post("/echo", 20, KEY)));
        assertThat(channel.config().isAutoRead()).as("one request waits behind the answer in progress").isFalse();
        assertThat(budget.held()).isEqualTo(30);

        answer(held.getFirst());
        channel.runPendingTasks();
        assertThat(answers(channel)).extracting(FullAnswer::status).containsExactly(200, 200);
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(budget.held()).isZero();
    }

    @Test
    void closingTheConnectionGivesBackWhatItsRequestsHeld() {
        EmbeddedChannel channel = connect();
        channel.writeInbound(bytes(channel, post("/later", 1000, KEY) + post("/echo", 2000, KEY)
                + head("/echo", 5000, KEY) + "partial"));
        assertThat(budget.held()).isEqualTo(8000);

        channel.close();
        channel.runPendingTasks();
        assertThat(budget.held()).isZero();
        assertThat(inFlight.count()).isZero();
    }

    private EmbeddedChannel connect() {
        Map<GatewayHttpHandler.Route, Endpoint> routes = Map.of(
                new GatewayHttpHandler.Route(HttpMethod.POST, "/echo"), this::answer,
                new GatewayHttpHandler.Route(HttpMethod.POST, "/later"), held::add,
                new GatewayHttpHandler.Route(HttpMethod.GET, "/healthz"), HealthEndpoint.liveness());
        EmbeddedChannel channel = new EmbeddedChannel(new GatewayChannelInitializer(routes,
                new ConnectionSettings(MAX_REQUEST_BYTES, NEVER, NEVER, maxInFlight, NEVER), inFlight, request -> { },
                AuthFailures.NONE, budget, KEY::equals));
        channels.add(channel);
        return channel;
    }

    /** Reads the body as an endpoint does (a withheld body throws its refusal) and answers with its length. */
    private void answer(HttpCall call) {
        try {
            byte[] body = call.request.body();
            bodyLengths.add(body.length);
            call.respond(HttpResponses.json(HttpResponseStatus.OK, String.valueOf(body.length)
                    .getBytes(StandardCharsets.UTF_8), call.requestId), "ok");
        } catch (RuntimeException e) {
            call.fail(e);
        }
    }

    private static String post(String path, int bodyLength, String authorization) {
        return head(path, bodyLength, authorization) + "x".repeat(bodyLength);
    }

    private static String head(String path, int contentLength, String authorization) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Content-Length: " + contentLength + "\r\n\r\n";
    }

    private static ByteBuf bytes(EmbeddedChannel channel, String text) {
        ByteBuf buf = channel.alloc().buffer();
        buf.writeCharSequence(text, StandardCharsets.ISO_8859_1);
        return buf;
    }

    private static JsonNode error(FullAnswer answer) throws IOException {
        return Json.mapper().readTree(answer.body()).get("error");
    }

    private static List<FullAnswer> answers(EmbeddedChannel channel) {
        EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 16));
        for (Object out; (out = channel.readOutbound()) != null; ) {
            client.writeInbound(out);
        }
        List<FullAnswer> answers = new ArrayList<>();
        for (FullHttpResponse res; (res = client.readInbound()) != null; ) {
            answers.add(new FullAnswer(res.status().code(), res.headers().get(HttpHeaderNames.CONNECTION),
                    res.headers().get(HttpHeaderNames.RETRY_AFTER), res.content().toString(StandardCharsets.UTF_8)));
            res.release();
        }
        client.finishAndReleaseAll();
        return answers;
    }

    private record FullAnswer(int status, String connection, String retryAfter, String body) {
    }
}
