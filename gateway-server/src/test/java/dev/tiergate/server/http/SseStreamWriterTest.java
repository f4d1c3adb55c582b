package dev.tiergate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.memory.ByteBudget;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.server.auth.AuthFailures;
import dev.tiergate.server.reliability.NettyLeakDetection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Sinks;

/**
 * The SSE writer sends the frames of the chunks that arrive in one turn of the event loop as one
 * body part, each turn's frames flushed at its end, and never gathers more than its bound.
 */
@ExtendWith(NettyLeakDetection.class)
class SseStreamWriterTest {
    private static final Duration NEVER = Duration.ofHours(1);

    private final Sinks.Many<ChatChunk> upstream = Sinks.many().unicast().onBackpressureBuffer();
    /** Each request the writer made upstream. */
    private final List<Long> requested = new ArrayList<>();
    private final EmbeddedChannel server = new EmbeddedChannel(new GatewayChannelInitializer(
            Map.of(new GatewayHttpHandler.Route(HttpMethod.POST, "/stream"), this::stream),
            new ConnectionSettings(1 << 20, NEVER, NEVER, 10, NEVER), new InFlightRequests(), request -> { },
            AuthFailures.NONE, new ByteBudget(1 << 22), key -> true));
    private final EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(
            new HttpDecoderConfig().setMaxChunkSize(1 << 20)));

    @AfterEach
    void release() {
        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
    }

    @Test
    void theChunksOfOneTurnGoOutAsOnePartAndEachTurnIsFlushed() {
        request();
        emit("a", "b", "c");
        server.runPendingTasks();

        assertThat(received()).containsExactly("head", "data: a\n\ndata: b\n\ndata: c\n\n");

        emit("d");
        server.runPendingTasks();
        assertThat(received()).containsExactly("data: d\n\n");

        emit("e");
        upstream.tryEmitComplete();
        server.runPendingTasks();
        assertThat(received()).containsExactly("data: e\n\ndata: [DONE]\n\n", "end");
    }

    @Test
    void framesBeyondTheBoundAreWrittenWithoutWaitingForTheTurnsEnd() {
        String big = "x".repeat(SseStreamWriter.MAX_GATHERED_BYTES / 2 + 10);
        request();
        emit(big, big, "small");
        upstream.tryEmitComplete();
        server.runPendingTasks();

        assertThat(received()).containsExactly("head", "data: " + big + "\n\ndata: " + big + "\n\n",
                "data: small\n\ndata: [DONE]\n\n", "end");
    }

    @Test
    void aFailureAfterTheFirstChunkWritesWhatWasGatheredThenTheFailure() {
        request();
        emit("a");
        upstream.tryEmitError(new IllegalStateException("upstream broke"));
        server.runPendingTasks();

        List<String> parts = received();
        assertThat(parts).startsWith("head", "data: a\n\n");
        assertThat(parts.get(2)).startsWith("data: failed ");
        assertThat(parts).endsWith("end");
    }

    @Test
    void chunksAreAskedForSixteenAtATimeAndNoMoreWhileTheSocketIsNotWritable() {
        request();
        assertThat(requested).containsExactly((long) SseStreamWriter.DEMAND);

        emit(texts(SseStreamWriter.DEMAND - 1));
        assertThat(requested).as("not one request per chunk").hasSize(1);
        emit("last of the first");
        assertThat(requested).containsExactly((long) SseStreamWriter.DEMAND, (long) SseStreamWriter.DEMAND);

        server.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        emit(texts(SseStreamWriter.DEMAND));
        assertThat(requested).as("the socket cannot take more").hasSize(2);

        server.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        server.pipeline().fireChannelWritabilityChanged();
        server.runPendingTasks();
        assertThat(requested).hasSize(3);
    }

    private static String[] texts(int count) {
        String[] texts = new String[count];
        for (int i = 0; i < count; i++) {
            texts[i] = "t" + i;
        }
        return texts;
    }

    private void stream(HttpCall call) {
        Answer.Stream answer = new Answer.Stream(upstream.asFlux().doOnRequest(requested::add));
        new SseStreamWriter(call, answer, new RequestFacts(), new TextFrames()).start();
    }

    private void request() {
        ByteBuf bytes = server.alloc().buffer();
        bytes.writeCharSequence("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
                StandardCharsets.ISO_8859_1);
        server.writeInbound(bytes);
        server.runPendingTasks();
    }

    private void emit(String... texts) {
        for (String text : texts) {
            upstream.tryEmitNext(new ChatChunk(text, ChatChunk.OBJECT, 0L, "m", List.of(), null, null, Map.of()));
        }
    }

    /** What reached the client since the last call: "head", each body part's text, "end". */
    private List<String> received() {
        for (Object out; (out = server.readOutbound()) != null; ) {
            client.writeInbound(out);
        }
        List<String> parts = new ArrayList<>();
        for (Object in; (in = client.readInbound()) != null; ) {
            if (in instanceof HttpResponse) {
                parts.add("head");
            }
            if (in instanceof HttpContent content) {
                if (content.content().isReadable()) {
                    parts.add(content.content().toString(StandardCharsets.UTF_8));
                }
                if (content instanceof LastHttpContent) {
                    parts.add("end");
                }
                content.release();
            }
        }
        return parts;
    }

    /** Each chunk as {@code data: <id>}. */
    private static final class TextFrames implements StreamFrames {
        @Override
        public byte[] chunk(ChatChunk chunk) {
            return ("data: " + chunk.id() + "\n\n").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] end() {
            return "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] failure(GatewayError error) {
            return ("data: failed " + error.getMessage() + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
    }
}
