package dev.tiergate.inference;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an ONNX model as two files: the graph, and beside it its large weights, which the graph
 * names as external data. ONNX Runtime maps external data from its file instead of copying it into
 * memory, so the weights its kernels repack at load (the quantized matrices) are not also kept as
 * anonymous memory, and what is mapped are clean file pages the kernel can drop. Loaded from one
 * self-contained file, the same model keeps every weight as anonymous memory for the process's
 * life: 3 to 12 MB more for the embedding model (a bare JVM, docs/benchmarks.md).
 *
 * <p>The rewrite works on the protobuf wire format and streams: only the graph without its large
 * weights is held in memory (about 0.4 MB for the embedding model). It changes nothing but where
 * the bytes of each initializer of at least {@link #MIN_EXTERNAL_BYTES} are: each moves to the
 * weights file at an offset aligned to {@link #ALIGNMENT} (ONNX Runtime maps at page
 * granularity), and the graph's tensor names it there ({@code location}, {@code offset},
 * {@code length}, {@code data_location = EXTERNAL}). Initializers inside subgraphs stay inline.
 */
final class MappedWeightsWriter {
    /** Initializers this large or larger move to the weights file. */
    static final int MIN_EXTERNAL_BYTES = 64 * 1024;
    /** Each moved initializer starts at a multiple of this in the weights file. */
    static final int ALIGNMENT = 4096;
    /** The graph's file name in the directory given. */
    static final String GRAPH_FILE = "model.onnx";
    /** The weights' file name, relative to the graph's directory, as the graph names it. */
    static final String WEIGHTS_FILE = "model.weights";

    // onnx.proto's field numbers
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int TENSOR_DATA_LOCATION = 14;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    private static final int DATA_LOCATION_EXTERNAL = 1;

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private final InputStream in;
    private final OutputStream weights;
    private long position;
    private long weightsSize;

    private MappedWeightsWriter(InputStream in, OutputStream weights) {
        this.in = in;
        this.weights = weights;
    }

    /**
     * Writes {@code model} (an ONNX {@code ModelProto}, read to its end; not closed here) to
     * {@link #GRAPH_FILE} and {@link #WEIGHTS_FILE} in {@code dir}.
     *
     * @return the graph's path, for ONNX Runtime to load (it finds the weights beside it)
     * @throws IOException when the model cannot be read, is not a well-formed protobuf message, or
     *                     the files cannot be written
     */
    static Path write(InputStream model, Path dir) throws IOException {
        requireNonNull(model, "model");
        requireNonNull(dir, "dir");
        Path graph = dir.resolve(GRAPH_FILE);
        byte[] rewritten;
        try (OutputStream weights = new BufferedOutputStream(Files.newOutputStream(dir.resolve(WEIGHTS_FILE)), 1 << 16)) {
            rewritten = new MappedWeightsWriter(new BufferedInputStream(model, 1 << 16), weights).model();
        }
        Files.write(graph, rewritten);
        return graph;
    }

    private byte[] model() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int first;
        while ((first = in.read()) >= 0) {
            position++;
            long tag = varint(first);
            if (field(tag) == MODEL_GRAPH && wireType(tag) == LENGTH_DELIMITED) {
                writeMessage(out, MODEL_GRAPH, graph(end(length())));
            } else {
                copyField(tag, out);
            }
        }
        return out.toByteArray();
    }

    private byte[] graph(long end) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (position < end) {
            long tag = varint(readByte());
            if (field(tag) == GRAPH_INITIALIZER && wireType(tag) == LENGTH_DELIMITED) {
                writeMessage(out, GRAPH_INITIALIZER, tensor(end(length())));
            } else {
                copyField(tag, out);
            }
        }
        return within(end, out);
    }

    private byte[] tensor(long end) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long offset = -1;
        long length = 0;
        while (position < end) {
            long tag = varint(readByte());
            if (field(tag) == TENSOR_RAW_DATA && wireType(tag) == LENGTH_DELIMITED && offset < 0) {
                int size = length();
                if (size >= MIN_EXTERNAL_BYTES) {
                    offset = align();
                    length = size;
                    transfer(size);
                    continue;
                }
                writeVarint(out, tag);
                writeVarint(out, size);
                out.write(readBytes(size));
            } else {
                copyField(tag, out);
            }
        }
        if (offset >= 0) {
            writeEntry(out, "location", WEIGHTS_FILE);
            writeEntry(out, "offset", Long.toString(offset));
            writeEntry(out, "length", Long.toString(length));
            writeVarint(out, (long) TENSOR_DATA_LOCATION << 3 | VARINT);
            writeVarint(out, DATA_LOCATION_EXTERNAL);
        }
        return within(end, out);
    }

    /** Pads the weights file to the next multiple of {@link #ALIGNMENT}; returns that offset. */
    private long align() throws IOException {
        long padding = (ALIGNMENT - weightsSize % ALIGNMENT) % ALIGNMENT;
        for (long i = 0; i < padding; i++) {
            weights.write(0);
        }
        weightsSize += padding;
        return weightsSize;
    }

    private void transfer(int size) throws IOException {
        byte[] buffer = new byte[1 << 16];
        int left = size;
        while (left > 0) {
            int read = in.read(buffer, 0, Math.min(buffer.length, left));
            if (read < 0) {
                throw new EOFException("ONNX model ends inside a weight at byte " + position);
            }
            weights.write(buffer, 0, read);
            left -= read;
            position += read;
        }
        weightsSize += size;
    }

    private void copyField(long tag, ByteArrayOutputStream out) throws IOException {
        writeVarint(out, tag);
        switch (wireType(tag)) {
            case VARINT -> writeVarint(out, varint(readByte()));
            case FIXED64 -> out.write(readBytes(8));
            case FIXED32 -> out.write(readBytes(4));
            case LENGTH_DELIMITED -> {
                int size = length();
                writeVarint(out, size);
                out.write(readBytes(size));
            }
            default -> throw new IOException("not an ONNX model: protobuf wire type " + wireType(tag)
                    + " at byte " + position);
        }
    }

    private int length() throws IOException {
        long size = varint(readByte());
        if (size < 0 || size > Integer.MAX_VALUE - 8) {
            throw new IOException("not an ONNX model: a field of " + size + " bytes at byte " + position);
        }
        return (int) size;
    }

    private long end(int length) {
        return position + length;
    }

    private byte[] within(long end, ByteArrayOutputStream out) throws IOException {
        if (position != end) {
            throw new IOException("not an ONNX model: a message overruns its length at byte " + position);
        }
        return out.toByteArray();
    }

    /** A varint whose first byte was already read. */
    private long varint(int first) throws IOException {
        long value = first & 0x7f;
        int b = first;
        for (int shift = 7; (b & 0x80) != 0; shift += 7) {
            if (shift > 63) {
                throw new IOException("not an ONNX model: a varint over 10 bytes at byte " + position);
            }
            b = readByte();
            value |= (long) (b & 0x7f) << shift;
        }
        return value;
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("ONNX model ends inside a field at byte " + position);
        }
        position++;
        return b;
    }

    private byte[] readBytes(int size) throws IOException {
        byte[] bytes = in.readNBytes(size);
        if (bytes.length != size) {
            throw new EOFException("ONNX model ends inside a field at byte " + (position + bytes.length));
        }
        position += size;
        return bytes;
    }

    private static int field(long tag) {
        return (int) (tag >>> 3);
    }

    private static int wireType(long tag) {
        return (int) (tag & 7);
    }

    private static void writeMessage(ByteArrayOutputStream out, int field, byte[] message) {
        writeVarint(out, (long) field << 3 | LENGTH_DELIMITED);
        writeVarint(out, message.length);
        out.writeBytes(message);
    }

    private static void writeEntry(ByteArrayOutputStream out, String key, String value) {
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        writeMessage(entry, ENTRY_KEY, key.getBytes(StandardCharsets.UTF_8));
        writeMessage(entry, ENTRY_VALUE, value.getBytes(StandardCharsets.UTF_8));
        writeMessage(out, TENSOR_EXTERNAL_DATA, entry.toByteArray());
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        long v = value;
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
