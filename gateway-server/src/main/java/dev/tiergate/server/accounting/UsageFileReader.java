package dev.tiergate.server.accounting;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reads the usage file line by line, telling each line's number (from 1) and byte offset. */
final class UsageFileReader {

    /** Sees each line in turn: {@code terminated} is false only for a last line without its newline. */
    @FunctionalInterface
    interface LineVisitor {
        void line(long number, long offset, String text, boolean terminated) throws IOException;
    }

    private UsageFileReader() {
    }

    /** Reads the lines in the first {@code end} bytes of {@code file}. */
    static void read(Path file, long end, LineVisitor visitor) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
            long position = 0;
            long lineStart = 0;
            long number = 0;
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int read = in.read(buffer, position);
                if (read < 0) {
                    break;
                }
                byte[] bytes = buffer.array();
                int from = 0;
                for (int i = 0; i < read; i++) {
                    if (bytes[i] == '\n') {
                        line.write(bytes, from, i - from);
                        visitor.line(++number, lineStart, line.toString(StandardCharsets.UTF_8), true);
                        line.reset();
                        from = i + 1;
                        lineStart = position + from;
                    }
                }
                line.write(bytes, from, read - from);
                position += read;
            }
            if (line.size() > 0) {
                visitor.line(++number, lineStart, line.toString(StandardCharsets.UTF_8), false);
            }
        }
    }
}
