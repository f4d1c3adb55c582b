package dev.tiergate.server.logging;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.Flushable;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A console appender whose lines wait in a buffer until {@link #flush()}, then go to
 * {@code System.out} in one write: one system call for a batch of lines instead of one per line
 * (logback's {@code ConsoleAppender} flushes every event, and {@code System.out} writes a line
 * longer than its 128-byte buffer straight through). Meant behind {@link LingeringAsyncAppender},
 * which flushes after each batch it hands on. The buffer is written before a line that would not
 * fit in {@code capacity} bytes (default {@value #DEFAULT_CAPACITY}), so it holds whole lines only
 * and never grows past one line over it; a line is never split between two writes, and
 * {@code System.out} is looked up at each write (a replaced one, as in tests, is honoured).
 * {@link #stop()} writes what is left.
 */
public final class BatchingConsoleAppender<E> extends OutputStreamAppender<E> implements Flushable {
    static final int DEFAULT_CAPACITY = 64 * 1024;

    private int capacity = DEFAULT_CAPACITY;

    public void setCapacity(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public void start() {
        if (capacity < 1) {
            addError("capacity: " + capacity + " (expected: >= 1)");
            return;
        }
        setImmediateFlush(false);
        setOutputStream(new LineBuffer(capacity));
        super.start();
    }

    /** Writes the buffered lines to {@code System.out}. */
    @Override
    public void flush() {
        streamWriteLock.lock();
        try {
            OutputStream out = getOutputStream();
            if (out != null) {
                out.flush();
            }
        } catch (java.io.IOException e) {
            addError("could not write to stdout", e);
        } finally {
            streamWriteLock.unlock();
        }
    }

    /** Whole encoded events, written to stdout on flush or before one that would not fit. */
    private static final class LineBuffer extends OutputStream {
        private final int capacity;
        private byte[] bytes = new byte[1024];
        private int size;

        LineBuffer(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        /** One event's bytes (the appender writes each event in one call). */
        @Override
        public void write(byte[] event, int offset, int length) {
            if (size > 0 && size + length > capacity) {
                flush();
            }
            if (size + length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(size + length, Math.min(capacity, bytes.length * 2)));
            }
            System.arraycopy(event, offset, bytes, size, length);
            size += length;
        }

        @Override
        public void flush() {
            if (size > 0) {
                System.out.write(bytes, 0, size);   // PrintStream: one locked write, no partial line from another thread
                System.out.flush();
                size = 0;
            }
            if (bytes.length > capacity) {   // grown for one line longer than the capacity
                bytes = new byte[capacity];
            }
        }

        /** Writes what is left; {@code System.out} itself stays open. */
        @Override
        public void close() {
            flush();
        }
    }
}
