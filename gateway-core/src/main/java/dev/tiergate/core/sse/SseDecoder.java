package dev.tiergate.core.sse;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * An incremental server-sent events framing decoder (the WHATWG event-stream format). Feed it
 * byte slices as they arrive; it emits one {@link SseEvent} per blank-line-terminated event.
 * Lines end with LF, CRLF or CR, and may be split anywhere across feeds, including inside a
 * UTF-8 sequence: the data lines are kept as bytes, joined with {@code \n}, and decoded only when
 * an event's text is asked for ({@link SseEvent#data()}); {@code event:} sets the name; lines starting with {@code :} are comments; {@code id:}
 * and {@code retry:} are ignored. An event larger than the size limit fails with
 * {@link IllegalStateException}. Not thread-safe: one decoder per stream.
 */
public final class SseDecoder {
    /** The default limit on one event's size: 8 MiB. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};

    private final int maxEventBytes;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean afterCr;
    /** The event's data lines as they came, joined with {@code \n}. */
    private byte[] data = new byte[256];
    private int dataLength;
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
        int i = off;
        while (i < end) {
            byte b = buf[i];
            if (b == '\n') {
                i++;
                if (afterCr) {
                    afterCr = false;
                    continue;
                }
                endLine(out);
            } else if (b == '\r') {
                i++;
                afterCr = true;
                endLine(out);
            } else {
                afterCr = false;
                int start = i;
                while (i < end && buf[i] != '\n' && buf[i] != '\r') {
                    i++;
                }
                append(buf, start, i - start);
            }
        }
    }

    /** Convenience for a whole array. */
    public void feed(byte[] buf, Consumer<SseEvent> out) {
        feed(buf, 0, buf.length, out);
    }

    private void append(byte[] buf, int off, int len) {
        eventBytes += len;
        if (eventBytes > maxEventBytes) {
            throw new IllegalStateException("SSE event larger than " + maxEventBytes + " bytes");
        }
        line = room(line, lineLength, len);
        System.arraycopy(buf, off, line, lineLength, len);
        lineLength += len;
    }

    private static byte[] room(byte[] array, int used, int more) {
        return used + more <= array.length ? array : Arrays.copyOf(array, Math.max(array.length * 2, used + more));
    }

    private void endLine(Consumer<SseEvent> out) {
        int length = lineLength;
        lineLength = 0;
        if (length == 0) {
            dispatch(out);
            return;
        }
        if (line[0] == ':') {
            shrinkLine();
            return;
        }
        int colon = 0;
        while (colon < length && line[colon] != ':') {
            colon++;
        }
        int value = colon == length ? length
                : colon + 1 < length && line[colon + 1] == ' ' ? colon + 2 : colon + 1;
        if (isField(DATA, colon)) {
            int valueLength = length - value;
            data = room(data, dataLength, valueLength + 1);
            if (hasData) {
                data[dataLength++] = '\n';
            }
            System.arraycopy(line, value, data, dataLength, valueLength);
            dataLength += valueLength;
            hasData = true;
        } else if (isField(EVENT, colon)) {
            eventName = new String(line, value, length - value, StandardCharsets.UTF_8);
        }
        // id, retry and unknown fields are ignored
        shrinkLine();
    }

    /** Whether the line's field name (its first {@code length} bytes) is {@code name}. */
    private boolean isField(byte[] name, int length) {
        return length == name.length && Arrays.equals(line, 0, length, name, 0, length);
    }

    private void shrinkLine() {
        if (line.length > 64 * 1024) {
            line = new byte[256];
        }
    }

    private void dispatch(Consumer<SseEvent> out) {
        String name = eventName;
        boolean emit = hasData;
        byte[] payload = emit ? Arrays.copyOf(data, dataLength) : null;
        dataLength = 0;
        if (data.length > 64 * 1024) {
            data = new byte[256];
        }
        hasData = false;
        eventName = null;
        eventBytes = 0;
        if (emit) {
            out.accept(SseEvent.ofUtf8(name == null || name.isEmpty() ? null : name, payload));
        }
    }
}
