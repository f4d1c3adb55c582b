package dev.tiergate.cache.semantic.verify;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The verifier's classifier evaluated in plain Java: the chain {@code Gemm → Relu → … → Gemm →
 * Sigmoid} that {@code training/train.py} exports (the feature standardisation folded into the
 * first Gemm), its weights read from the ONNX file itself. For the shipped 27 → 32 → 1 MLP a row is
 * about 900 multiply-adds, well under a microsecond, where one call through DJL's predictor into
 * ONNX Runtime cost 50–70 µs of per-call work (arrays, an NDManager, a session run) on a lookup's
 * path. Any other graph (another operator, a Gemm attribute, a missing weight) is refused at load.
 * Results equal ONNX Runtime's within its float rounding (the sums here are in double; tested
 * against ONNX Runtime on 2,000 rows: within 1e-5, the tolerance of the export check). Immutable and thread-safe.
 */
final class FeedForwardModel {
    private final Layer[] layers;

    /** One Gemm ({@code weights} row-major {@code inputs × outputs}) and the activation after it. */
    private record Layer(int inputs, int outputs, float[] weights, float[] bias, boolean sigmoid) {
    }

    private FeedForwardModel(Layer[] layers) {
        this.layers = layers;
    }

    /** The number of features a row has. */
    int inputs() {
        return layers[0].inputs();
    }

    /** The probability of one row of features. */
    float probability(float[] features) {
        if (features.length != inputs()) {
            throw new IllegalArgumentException("features: " + features.length + " (expected: " + inputs() + ")");
        }
        float[] x = features;
        for (Layer layer : layers) {
            float[] y = new float[layer.outputs()];
            float[] w = layer.weights();
            int outputs = layer.outputs();
            for (int o = 0; o < outputs; o++) {
                double sum = layer.bias()[o];
                for (int i = 0; i < layer.inputs(); i++) {
                    sum += (double) x[i] * w[i * outputs + o];
                }
                y[o] = (float) (layer.sigmoid() ? 1.0 / (1.0 + Math.exp(-sum)) : Math.max(0.0, sum));
            }
            x = y;
        }
        return x[0];
    }

    /** Reads an exported graph: {@link IllegalArgumentException} unless it is a Gemm/Relu chain ending in Gemm/Sigmoid to one output. */
    static FeedForwardModel read(byte[] onnx) {
        try {
            return parse(onnx);
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("verifier model: truncated", e);
        }
    }

    private static FeedForwardModel parse(byte[] onnx) {
        Proto model = new Proto(onnx);
        byte[] graph = null;
        while (model.next()) {
            if (model.field == 7 && model.wire == 2) {
                graph = model.bytes();
            } else {
                model.skip();
            }
        }
        if (graph == null) {
            throw new IllegalArgumentException("verifier model: no graph");
        }
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> initializers = new HashMap<>();
        Proto g = new Proto(graph);
        while (g.next()) {
            if (g.field == 1 && g.wire == 2) {
                nodes.add(Node.read(g.bytes()));
            } else if (g.field == 5 && g.wire == 2) {
                Tensor t = Tensor.read(g.bytes());
                initializers.put(t.name, t);
            } else {
                g.skip();
            }
        }
        return chain(nodes, initializers);
    }

    private static FeedForwardModel chain(List<Node> nodes, Map<String, Tensor> initializers) {
        if (nodes.isEmpty() || nodes.size() % 2 != 0) {
            throw new IllegalArgumentException("verifier model: " + nodes.size() + " nodes (expected: Gemm, activation pairs)");
        }
        Layer[] layers = new Layer[nodes.size() / 2];
        String current = null;
        for (int l = 0; l < layers.length; l++) {
            Node gemm = nodes.get(2 * l);
            Node activation = nodes.get(2 * l + 1);
            boolean last = l == layers.length - 1;
            if (!gemm.op.equals("Gemm") || gemm.attributes || gemm.inputs.size() != 3 || gemm.outputs.size() != 1) {
                throw new IllegalArgumentException("verifier model: node " + (2 * l) + " is " + gemm.op
                        + " (expected: a Gemm of input, weights, bias, without attributes)");
            }
            if (!activation.op.equals(last ? "Sigmoid" : "Relu") || activation.attributes
                    || !activation.inputs.equals(gemm.outputs) || activation.outputs.size() != 1) {
                throw new IllegalArgumentException("verifier model: node " + (2 * l + 1) + " is " + activation.op
                        + " (expected: " + (last ? "Sigmoid" : "Relu") + " of the Gemm before it)");
            }
            if (current != null && !gemm.inputs.getFirst().equals(current)) {
                throw new IllegalArgumentException("verifier model: node " + (2 * l) + " does not take the layer before it");
            }
            Tensor w = initializers.get(gemm.inputs.get(1));
            Tensor b = initializers.get(gemm.inputs.get(2));
            if (w == null || b == null || w.dims.length != 2 || b.values.length != w.dims[1]
                    || w.values.length != w.dims[0] * w.dims[1]) {
                throw new IllegalArgumentException("verifier model: layer " + l + " has no [in, out] weights and [out] bias");
            }
            if (l > 0 && layers[l - 1].outputs() != w.dims[0]) {
                throw new IllegalArgumentException("verifier model: layer " + l + " takes " + w.dims[0]
                        + " inputs (expected: " + layers[l - 1].outputs() + ")");
            }
            layers[l] = new Layer(w.dims[0], w.dims[1], w.values, b.values, last);
            current = activation.outputs.getFirst();
        }
        if (layers[layers.length - 1].outputs() != 1) {
            throw new IllegalArgumentException("verifier model: " + layers[layers.length - 1].outputs()
                    + " outputs (expected: one probability)");
        }
        return new FeedForwardModel(layers);
    }

    private record Node(String op, List<String> inputs, List<String> outputs, boolean attributes) {
        static Node read(byte[] bytes) {
            Proto p = new Proto(bytes);
            String op = "";
            List<String> inputs = new ArrayList<>();
            List<String> outputs = new ArrayList<>();
            boolean attributes = false;
            while (p.next()) {
                switch (p.wire == 2 ? p.field : 0) {
                    case 1 -> inputs.add(p.string());
                    case 2 -> outputs.add(p.string());
                    case 4 -> op = p.string();
                    case 5 -> {
                        attributes = true;
                        p.skip();
                    }
                    default -> p.skip();
                }
            }
            return new Node(op, inputs, outputs, attributes);
        }
    }

    private record Tensor(String name, int[] dims, float[] values) {
        private static final int FLOAT = 1;

        static Tensor read(byte[] bytes) {
            Proto p = new Proto(bytes);
            String name = "";
            List<Long> dims = new ArrayList<>();
            List<Float> floats = new ArrayList<>();
            byte[] raw = null;
            long type = -1;
            while (p.next()) {
                if (p.field == 1 && p.wire == 0) {
                    dims.add(p.varint());
                } else if (p.field == 1 && p.wire == 2) {
                    Proto packed = new Proto(p.bytes());
                    while (packed.more()) {
                        dims.add(packed.varint());
                    }
                } else if (p.field == 2 && p.wire == 0) {
                    type = p.varint();
                } else if (p.field == 4 && p.wire == 5) {
                    floats.add(p.float32());
                } else if (p.field == 4 && p.wire == 2) {
                    ByteBuffer packed = ByteBuffer.wrap(p.bytes()).order(ByteOrder.LITTLE_ENDIAN);
                    while (packed.remaining() >= 4) {
                        floats.add(packed.getFloat());
                    }
                } else if (p.field == 8 && p.wire == 2) {
                    name = p.string();
                } else if (p.field == 9 && p.wire == 2) {
                    raw = p.bytes();
                } else {
                    p.skip();
                }
            }
            if (type != FLOAT) {
                throw new IllegalArgumentException("verifier model: tensor " + name + " of type " + type + " (expected: float)");
            }
            float[] values;
            if (raw != null) {
                ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                values = new float[raw.length / 4];
                for (int i = 0; i < values.length; i++) {
                    values[i] = in.getFloat();
                }
            } else {
                values = new float[floats.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = floats.get(i);
                }
            }
            return new Tensor(name, dims.stream().mapToInt(Long::intValue).toArray(), values);
        }
    }

    /** A minimal protocol-buffer reader: the fields of one message, in order. */
    private static final class Proto {
        private final ByteBuffer in;
        int field;
        int wire;

        Proto(byte[] bytes) {
            this.in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        boolean more() {
            return in.hasRemaining();
        }

        boolean next() {
            if (!in.hasRemaining()) {
                return false;
            }
            long key = varint();
            field = (int) (key >>> 3);
            wire = (int) (key & 7);
            return true;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = in.get();
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("verifier model: malformed varint");
        }

        float float32() {
            return in.getFloat();
        }

        byte[] bytes() {
            long length = varint();
            if (length < 0 || length > in.remaining()) {
                throw new IllegalArgumentException("verifier model: truncated");
            }
            byte[] out = new byte[(int) length];
            in.get(out);
            return out;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        void skip() {
            switch (wire) {
                case 0 -> varint();
                case 1 -> in.position(in.position() + 8);
                case 2 -> bytes();
                case 5 -> in.position(in.position() + 4);
                default -> throw new IllegalArgumentException("verifier model: wire type " + wire);
            }
        }
    }
}
