package dev.tiergate.core.sse;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * An incremental server-sent events framing decoder (the WHATWG event-stream format). Feed it
 * byte slices as they arrive; it emits one {@link SseEvent} per blank-line-terminated event.
 * Lines end with LF, CRLF or CR, and may be split anywhere across feeds, including inside a
 * UTF-8 sequence (lines are decoded only once complete). {@code data:} lines are joined with
 * {@code \n}; {@code event:} sets the name; lines starting with {@code :} are comments; {@code id:}
 * and {@code retry:} are ignored. An event larger than the size limit fails with
 * {@link IllegalStateException}. Not thread-safe: one decoder per stream.
 */
public final class SseDecoder {
    /** The default limit on one event's size: 8 MiB. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

    private final int maxEventBytes;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean afterCr;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventName;
    private long eventBytes;

    public SseDecoder() {
        this(DEFAULT_MAX_EVENT_BYTES);
    }

    public SseDecoder(int maxEventBytes) {
        if (maxEventBytes <= 0) {
            throw new IllegalArgumentException("maxEventBytes: " + maxEventBytes + " (expected: > 0)");
        }
        this.maxEventBytes = maxEventBytes;
    }

    /** Decodes {@code len} bytes of {@code buf} from {@code off}, passing every completed event to {@code out}. */
    public void feed(byte[] buf, int off, int len, Consumer<SseEvent> out) {
        requireNonNull(buf, "buf");
        requireNonNull(out, "out");
        if (off < 0 || len < 0 || off + len > buf.length) {
            throw new IndexOutOfBoundsException("off: " + off + ", len: " + len + " (buffer length: " + buf.length + ")");
        }
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte b = buf[i];
            if (b == '\n') {
                if (afterCr) {
                    afterCr = false;
                    continue;
                }
                endLine(out);
            } else if (b == '\r') {
                afterCr = true;
                endLine(out);
            } else {
                afterCr = false;
                append(b);
            }
        }
    }

    /** Convenience for a whole array. */
    public void feed(byte[] buf, Consumer<SseEvent> out) {
        feed(buf, 0, buf.length, out);
    }

    private void append(byte b) {
        if (++eventBytes > maxEventBytes) {
            throw new IllegalStateException("SSE event larger than " + maxEventBytes + " bytes");
        }
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = b;
    }

    private void endLine(Consumer<SseEvent> out) {
        if (lineLength == 0) {
            dispatch(out);
            return;
        }
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
        if (line.length > 64 * 1024) {
            line = new byte[256];
        }
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1 < text.length() && text.charAt(colon + 1) == ' '
                ? colon + 2 : colon + 1);
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> eventName = value;
            default -> {
                // id, retry and unknown fields are ignored
            }
        }
    }

    private void dispatch(Consumer<SseEvent> out) {
        String name = eventName;
        boolean emit = hasData;
        String payload = data.toString();
        data.setLength(0);
        hasData = false;
        eventName = null;
        eventBytes = 0;
        if (emit) {
            out.accept(new SseEvent(name == null || name.isEmpty() ? null : name, payload));
        }
    }
}
