package dev.tiergate.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.cache.testing.ScriptedUpstream;
import dev.tiergate.core.memory.ByteBudget;
import dev.tiergate.core.model.ChatChunk;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A recording keeps a stream's chunks and aggregate up to its cap and within the budget shared by
 * all recordings, nothing at all past either, and gives back what it took of the budget.
 */
class StreamRecordingTest {
    private final ByteBudget budget = new ByteBudget(1 << 20);

    @Test
    void underItsCapItKeepsChunksAndAggregate() {
        StreamRecording recording = new StreamRecording(1 << 20, budget);
        ScriptedUpstream.streamChunks("a short answer", "stop", true).forEach(recording::append);
        assertThat(recording.overflowed()).isFalse();
        assertThat(recording.chunks()).hasSize(5);
        assertThat(recording.aggregate().choices().getFirst().message().text()).isEqualTo("a short answer");
    }

    @Test
    void pastItsCapItLetsGoOfChunksAndAggregateAtOnce() {
        StreamRecording recording = new StreamRecording(1_000, budget);
        List<ChatChunk> chunks = ScriptedUpstream.streamChunks("x".repeat(4_000), "stop", true);
        chunks.forEach(recording::append);
        assertThat(recording.overflowed()).isTrue();
        assertThat(recording.chunks()).isNull();
        assertThatThrownBy(recording::aggregate).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void itHoldsItsBytesOfTheSharedBudgetUntilReleased() {
        StreamRecording recording = new StreamRecording(1 << 20, budget);
        ScriptedUpstream.streamChunks("a short answer", "stop", true).forEach(recording::append);
        assertThat(budget.held()).isPositive().isLessThan(recording.bytes());
        recording.release();
        assertThat(budget.held()).isZero();
        assertThat(recording.chunks()).as("still readable after the release").hasSize(5);
    }

    @Test
    void whenTheSharedBudgetIsSpentARecordingLetsGoAndGivesBackWhatItHeld() {
        ByteBudget small = new ByteBudget(3_000);
        StreamRecording first = new StreamRecording(1 << 20, small);
        StreamRecording second = new StreamRecording(1 << 20, small);
        List<ChatChunk> chunks = ScriptedUpstream.streamChunks("x ".repeat(1_000), "stop", true);
        chunks.forEach(first::append);
        assertThat(first.overflowed()).as("the budget is smaller than the answer").isTrue();
        assertThat(small.held()).isZero();
        ScriptedUpstream.streamChunks("a short answer", "stop", true).forEach(second::append);
        assertThat(second.overflowed()).isFalse();
        second.release();
        assertThat(small.held()).isZero();
    }

    @Test
    void aRecordedStreamGivesBackItsBytesHoweverItEnds() {
        ByteBudget before = StreamRecording.PROCESS_BUDGET;
        long held = before.held();
        StreamRecording.recorded(reactor.core.publisher.Flux.fromIterable(
                        ScriptedUpstream.streamChunks("an answer", "stop", true)), 1 << 20, r -> { }, () -> { })
                .blockLast();
        StreamRecording.recorded(reactor.core.publisher.Flux.fromIterable(
                        ScriptedUpstream.streamChunks("an answer", "stop", true)), 1 << 20, r -> { }, () -> { })
                .take(2).blockLast();
        StreamRecording.recorded(reactor.core.publisher.Flux.<ChatChunk>error(new IllegalStateException("x"))
                        .startWith(ScriptedUpstream.streamChunks("an answer", "stop", true).getFirst()), 1 << 20,
                r -> { }, () -> { })
                .onErrorResume(e -> reactor.core.publisher.Flux.empty()).blockLast();
        assertThat(before.held()).isEqualTo(held);
    }
}
