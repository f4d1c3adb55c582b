package dev.tiergate.core.sse;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One server-sent event: its {@code event:} name (null when absent) and its joined {@code data:}
 * lines, as text ({@link #data()}) or as the UTF-8 bytes they came as ({@link #dataUtf8()}). The
 * decoder gives the bytes; the text is decoded only when asked for, so a reader of JSON payloads
 * reads the bytes without making a string of them first. Equal when name and text are.
 */
public final class SseEvent {
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final String event;
    private final byte[] dataUtf8;
    private String data;

    public SseEvent(String event, String data) {
        this.event = event;
        this.data = requireNonNull(data, "data");
        this.dataUtf8 = null;
    }

    private SseEvent(String event, byte[] dataUtf8) {
        this.event = event;
        this.dataUtf8 = dataUtf8;
    }

    /** An event whose data is {@code dataUtf8} (kept, not copied). */
    static SseEvent ofUtf8(String event, byte[] dataUtf8) {
        return new SseEvent(event, requireNonNull(dataUtf8, "dataUtf8"));
    }

    public String event() {
        return event;
    }

    /** The data lines joined with {@code \n} (malformed UTF-8 replaced, as {@code new String(bytes, UTF_8)} does). */
    public String data() {
        String text = data;
        if (text == null) {
            text = new String(dataUtf8, StandardCharsets.UTF_8);
            data = text;
        }
        return text;
    }

    /** The data as the bytes that came (the text's UTF-8 for an event made from text); not to be changed. */
    public byte[] dataUtf8() {
        return dataUtf8 != null ? dataUtf8 : data.getBytes(StandardCharsets.UTF_8);
    }

    /** OpenAI's end-of-stream marker. */
    public boolean isDone() {
        return dataUtf8 != null ? Arrays.equals(dataUtf8, DONE) : "[DONE]".equals(data);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SseEvent that && Objects.equals(event, that.event) && data().equals(that.data());
    }

    @Override
    public int hashCode() {
        return Objects.hash(event, data());
    }

    @Override
    public String toString() {
        return "SseEvent[event=" + event + ", data=" + data() + "]";
    }
}
