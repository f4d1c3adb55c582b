package dev.tiergate.router.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.Usage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

class StreamHoldTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    private static ChatChunk text(String content) {
        return new ChatChunk("c", ChatChunk.OBJECT, 1L, "m", List.of(new ChatChunk.ChunkChoice(0,
                ChatChunk.Delta.content(content), null, Map.of())), null, null, Map.of());
    }

    private static ChatChunk finish(String reason) {
        return new ChatChunk("c", ChatChunk.OBJECT, 1L, "m", List.of(new ChatChunk.ChunkChoice(0, null, reason,
                Map.of())), Usage.of(12, 3), null, Map.of());
    }

    private static String texts(List<ChatChunk> chunks) {
        StringBuilder all = new StringBuilder();
        for (ChatChunk chunk : chunks) {
            for (ChatChunk.ChunkChoice choice : chunk.choices()) {
                if (choice.delta() != null && choice.delta().content() != null) {
                    all.append(choice.delta().content());
                }
            }
        }
        return all.toString();
    }

    private StreamHold.Outcome outcome(StreamHold hold) throws Exception {
        return hold.outcome().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aStreamThatEndsWithinTheBoundsIsHeldWholeWithItsAggregate() throws Exception {
        StreamHold hold = StreamHold.start(Flux.just(text("Paris "), text("is nice."), finish("stop")), 1000,
                Duration.ofSeconds(5), timers);
        StreamHold.Ended ended = (StreamHold.Ended) outcome(hold);
        assertThat(ended.chunks()).hasSize(3);
        assertThat(ended.aggregate().choices().getFirst().message().text()).isEqualTo("Paris is nice.");
        assertThat(ended.aggregate().choices().getFirst().finishReason()).isEqualTo("stop");
        assertThat(ended.aggregate().usage().completionTokens()).isEqualTo(3);
    }

    @Test
    void pastItsBytesTheHoldCommitsAndTheClientGetsEveryChunkInOrder() throws Exception {
        StreamHold hold = StreamHold.start(Flux.just(text("aaaa"), text("bbbb"), text("cccc"), text("dddd"),
                finish("stop")), 6, Duration.ofSeconds(5), timers);
        StreamHold.Committed committed = (StreamHold.Committed) outcome(hold);
        List<ChatChunk> all = committed.stream().collectList().block(Duration.ofSeconds(5));
        assertThat(texts(all)).isEqualTo("aaaabbbbccccdddd");
        assertThat(all).hasSize(5);
    }

    @Test
    void aSlowStreamIsCommittedAfterTheHoldTimeAndStreamsOn() throws Exception {
        Sinks.Many<ChatChunk> upstream = Sinks.many().unicast().onBackpressureBuffer();
        upstream.tryEmitNext(text("first "));
        StreamHold hold = StreamHold.start(upstream.asFlux(), 1000, Duration.ofMillis(100), timers);
        StreamHold.Committed committed = (StreamHold.Committed) outcome(hold);
        upstream.tryEmitNext(text("second"));
        upstream.tryEmitNext(finish("stop"));
        upstream.tryEmitComplete();
        assertThat(texts(committed.stream().collectList().block(Duration.ofSeconds(5)))).isEqualTo("first second");
    }

    @Test
    void aStreamThatFailsWhileHeldIsCommittedWithItsChunksThenItsError() throws Exception {
        StreamHold hold = StreamHold.start(Flux.concat(Flux.just(text("par")), Flux.error(new IllegalStateException(
                "upstream broke"))), 1000, Duration.ofSeconds(5), timers);
        StreamHold.Committed committed = (StreamHold.Committed) outcome(hold);
        List<String> seen = new java.util.ArrayList<>();
        assertThatThrownBy(() -> committed.stream().doOnNext(c -> seen.add(texts(List.of(c)))).blockLast(
                Duration.ofSeconds(5))).hasMessageContaining("upstream broke");
        assertThat(seen).containsExactly("par");
    }

    @Test
    void cancellingAHeldStreamClosesItsUpstream() throws Exception {
        AtomicBoolean cancelled = new AtomicBoolean();
        Sinks.Many<ChatChunk> upstream = Sinks.many().unicast().onBackpressureBuffer();
        StreamHold hold = StreamHold.start(upstream.asFlux().doOnCancel(() -> cancelled.set(true)), 1000,
                Duration.ofSeconds(5), timers);
        upstream.tryEmitNext(text("x"));
        hold.cancel();
        assertThat(cancelled).isTrue();
        assertThat(hold.outcome()).isCompletedExceptionally();
    }

    @Test
    void textBytesCountUtf8() {
        assertThat(StreamHold.textBytes(text("aé€😀"))).isEqualTo(1 + 2 + 3 + 4);
    }
}
