package dev.tiergate.core.sse;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.json.AsciiRuns;
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
    /** The event's only data line so far when it is still in the slice being fed (not yet in {@link #data}), else null. */
    private byte[] pendingData;
    private int pendingOff;
    private int pendingLength;
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
                i = AsciiRuns.skipNoLineEnd(buf, i, end);
                while (i < end && buf[i] != '\n' && buf[i] != '\r') {
                    i++;
                }
                if (lineLength == 0 && i < end) {   // a whole line in this slice: read where it is
                    count(i - start);
                    afterCr = buf[i] == '\r';
                    i++;
                    line(buf, start, i - 1 - start, out);
                } else {
                    append(buf, start, i - start);
                }
            }
        }
        keepPendingData();
    }

    /** Convenience for a whole array. */
    public void feed(byte[] buf, Consumer<SseEvent> out) {
        feed(buf, 0, buf.length, out);
    }

    private void append(byte[] buf, int off, int len) {
        count(len);
        line = room(line, lineLength, len);
        System.arraycopy(buf, off, line, lineLength, len);
        lineLength += len;
    }

    private void count(int len) {
        eventBytes += len;
        if (eventBytes > maxEventBytes) {
            throw new IllegalStateException("SSE event larger than " + maxEventBytes + " bytes");
        }
    }

    private static byte[] room(byte[] array, int used, int more) {
        return used + more <= array.length ? array : Arrays.copyOf(array, Math.max(array.length * 2, used + more));
    }

    private void endLine(Consumer<SseEvent> out) {
        int length = lineLength;
        lineLength = 0;
        line(line, 0, length, out);
        shrinkLine();
    }

    /** A whole line, {@code length} bytes of {@code src} from {@code off} (the line buffer or a fed slice). */
    private void line(byte[] src, int off, int length, Consumer<SseEvent> out) {
        if (length == 0) {
            dispatch(out);
            return;
        }
        if (src[off] == ':') {
            return;
        }
        int colon = 0;
        while (colon < length && src[off + colon] != ':') {
            colon++;
        }
        int value = colon == length ? length
                : colon + 1 < length && src[off + colon + 1] == ' ' ? colon + 2 : colon + 1;
        if (isField(src, off, DATA, colon)) {
            data(src, off + value, length - value);
        } else if (isField(src, off, EVENT, colon)) {
            eventName = new String(src, off + value, length - value, StandardCharsets.UTF_8);
        }
        // id, retry and unknown fields are ignored
    }

    /**
     * A data line's value. The event's first one, when it lies in a fed slice, stays there until
     * the event ends in the same slice (its payload is then copied once) or the slice is done.
     */
    private void data(byte[] src, int off, int length) {
        if (!hasData && src != line) {
            pendingData = src;
            pendingOff = off;
            pendingLength = length;
            hasData = true;
            return;
        }
        keepPendingData();
        data = room(data, dataLength, length + 1);
        if (hasData) {
            data[dataLength++] = '\n';
        }
        System.arraycopy(src, off, data, dataLength, length);
        dataLength += length;
        hasData = true;
    }

    /** Copies a first data line still in a fed slice into {@link #data}: the slice is about to go. */
    private void keepPendingData() {
        if (pendingData != null) {
            data = room(data, 0, pendingLength);
            System.arraycopy(pendingData, pendingOff, data, 0, pendingLength);
            dataLength = pendingLength;
            pendingData = null;
        }
    }

    /** Whether a line's field name (its first {@code length} bytes, from {@code off}) is {@code name}. */
    private static boolean isField(byte[] src, int off, byte[] name, int length) {
        return length == name.length && Arrays.equals(src, off, off + length, name, 0, length);
    }

    private void shrinkLine() {
        if (line.length > 64 * 1024) {
            line = new byte[256];
        }
    }

    private void dispatch(Consumer<SseEvent> out) {
        String name = eventName;
        boolean emit = hasData;
        byte[] payload = !emit ? null : pendingData != null
                ? Arrays.copyOfRange(pendingData, pendingOff, pendingOff + pendingLength) : Arrays.copyOf(data, dataLength);
        pendingData = null;
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
