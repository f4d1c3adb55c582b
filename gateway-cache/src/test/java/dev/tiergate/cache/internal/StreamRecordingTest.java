package dev.tiergate.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.cache.testing.ScriptedUpstream;
import dev.tiergate.core.model.ChatChunk;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A recording keeps a stream's chunks and aggregate up to its cap, and nothing at all past it. */
class StreamRecordingTest {

    @Test
    void underItsCapItKeepsChunksAndAggregate() {
        StreamRecording recording = new StreamRecording(1 << 20);
        ScriptedUpstream.streamChunks("a short answer", "stop", true).forEach(recording::append);
        assertThat(recording.overflowed()).isFalse();
        assertThat(recording.chunks()).hasSize(5);
        assertThat(recording.aggregate().choices().getFirst().message().text()).isEqualTo("a short answer");
    }

    @Test
    void pastItsCapItLetsGoOfChunksAndAggregateAtOnce() {
        StreamRecording recording = new StreamRecording(1_000);
        List<ChatChunk> chunks = ScriptedUpstream.streamChunks("x".repeat(4_000), "stop", true);
        chunks.forEach(recording::append);
        assertThat(recording.overflowed()).isTrue();
        assertThat(recording.chunks()).isNull();
        assertThatThrownBy(recording::aggregate).isInstanceOf(IllegalStateException.class);
    }
}
