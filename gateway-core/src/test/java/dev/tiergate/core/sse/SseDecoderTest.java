package dev.tiergate.core.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseDecoderTest {

    /**
     * The events of {@code text} fed {@code sliceSize} bytes at a time, each slice from the middle of
     * one buffer that is overwritten as soon as it was fed (as a network buffer is reused).
     */
    private static List<SseEvent> decodeInSlices(String text, int sliceSize) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        SseDecoder decoder = new SseDecoder();
        List<SseEvent> out = new ArrayList<>();
        byte[] reused = new byte[sliceSize + 2];
        for (int off = 0; off < bytes.length; off += sliceSize) {
            int length = Math.min(sliceSize, bytes.length - off);
            System.arraycopy(bytes, off, reused, 1, length);
            decoder.feed(reused, 1, length, out::add);
            Arrays.fill(reused, (byte) '#');
        }
        return out;
    }

    @Test
    void decodesLfFramedEvents() {
        assertThat(decodeInSlices("data: {\"a\":1}\n\ndata: [DONE]\n\n", 1024))
                .containsExactly(new SseEvent(null, "{\"a\":1}"), new SseEvent(null, "[DONE]"));
    }

    @Test
    void decodesCrlfAndCrFramedEvents() {
        assertThat(decodeInSlices("data: a\r\n\r\ndata: b\r\rdata: c\r\n\n", 1024))
                .containsExactly(new SseEvent(null, "a"), new SseEvent(null, "b"), new SseEvent(null, "c"));
    }

    @Test
    void everySplitPointGivesTheSameEvents() {
        String text = "event: message_start\r\ndata: {\"t\":\"héllo 世界 🎉\"}\r\n\r\n: ping\n\ndata: x\ndata: y\n\n";
        List<SseEvent> expected = List.of(
                new SseEvent("message_start", "{\"t\":\"héllo 世界 🎉\"}"), new SseEvent(null, "x\ny"));
        for (int slice = 1; slice <= text.length() + 1; slice++) {
            assertThat(decodeInSlices(text, slice)).as("slice %d", slice).isEqualTo(expected);
        }
    }

    @Test
    void joinsMultiLineDataAndKeepsEventName() {
        assertThat(decodeInSlices("event: delta\ndata: one\ndata:two\ndata\n\n", 5))
                .containsExactly(new SseEvent("delta", "one\ntwo\n"));
    }

    @Test
    void ignoresCommentsIdsAndEventsWithoutData() {
        assertThat(decodeInSlices(": keep-alive\n\nid: 7\nretry: 100\n\nevent: ping\n\ndata: z\n\n", 3))
                .containsExactly(new SseEvent(null, "z"));
    }

    @Test
    void holdsAnIncompleteEventUntilTheBlankLine() {
        SseDecoder decoder = new SseDecoder();
        List<SseEvent> out = new ArrayList<>();
        decoder.feed("data: partial\n".getBytes(StandardCharsets.UTF_8), out::add);
        assertThat(out).isEmpty();
        decoder.feed("\n".getBytes(StandardCharsets.UTF_8), out::add);
        assertThat(out).containsExactly(new SseEvent(null, "partial"));
    }

    @Test
    void rejectsAnEventPastTheSizeLimit() {
        SseDecoder decoder = new SseDecoder(16);
        byte[] big = ("data: " + "x".repeat(32) + "\n\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decoder.feed(big, e -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("16 bytes");
    }

    @Test
    void theLimitAppliesPerEvent() {
        SseDecoder decoder = new SseDecoder(16);
        List<SseEvent> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            decoder.feed("data: 0123456\n\n".getBytes(StandardCharsets.UTF_8), out::add);
        }
        assertThat(out).hasSize(10);
    }

    @Test
    void anEventsBytesAreItsDataLinesAsTheyCameAndItsTextTheirDecoding() {
        String text = "event: e\ndata: {\"t\":\"héllo 🎉\"}\ndata:second\ndata\n\ndata: [DONE]\n\n";
        for (int slice = 1; slice <= 5; slice++) {
            List<SseEvent> events = decodeInSlices(text, slice);
            assertThat(events.get(0).dataUtf8())
                    .isEqualTo("{\"t\":\"héllo 🎉\"}\nsecond\n".getBytes(StandardCharsets.UTF_8));
            assertThat(events.get(0)).isEqualTo(new SseEvent("e", "{\"t\":\"héllo 🎉\"}\nsecond\n"));
            assertThat(events.get(0).isDone()).isFalse();
            assertThat(events.get(1).isDone()).isTrue();
        }
    }

    @Test
    void malformedUtf8IsKeptAsBytesAndReplacedInTheText() {
        byte[] bytes = {'d', 'a', 't', 'a', ':', ' ', 'a', (byte) 0xC3, '\n', 'd', 'a', 't', 'a', ':', (byte) 0xFF, '\n', '\n'};
        List<SseEvent> out = new ArrayList<>();
        new SseDecoder().feed(bytes, out::add);
        assertThat(out).singleElement().satisfies(e -> {
            assertThat(e.dataUtf8()).containsExactly('a', (byte) 0xC3, '\n', (byte) 0xFF);
            assertThat(e.data()).isEqualTo("a\uFFFD\n\uFFFD");
        });
    }
}
