package dev.tiergate.providers.transport;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/** Collects body bytes up to a limit; past it, further bytes are dropped and {@link #overflowed()} is set. */
final class BodyBuffer {
    private final int limit;
    private byte[] bytes = new byte[0];
    private int length;
    private boolean overflowed;

    BodyBuffer(int limit) {
        this.limit = limit;
    }

    void append(ByteBuf content) {
        int n = content.readableBytes();
        int room = limit - length;
        if (n > room) {
            overflowed = true;
            n = room;
        }
        if (n <= 0) {
            return;
        }
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(limit, Math.max(length + n, bytes.length * 2)));
        }
        content.getBytes(content.readerIndex(), bytes, length, n);
        length += n;
    }

    boolean overflowed() {
        return overflowed;
    }

    byte[] toByteArray() {
        return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }
}
