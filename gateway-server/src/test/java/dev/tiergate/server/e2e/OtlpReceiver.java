package dev.tiergate.server.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local OTLP/HTTP traces receiver: accepts {@code POST /v1/traces} (protobuf), keeps each export's
 * headers and the spans in it, answers 200. The spans are read with a small protobuf wire reader
 * (the fields of {@code ExportTraceServiceRequest} a test looks at), so no generated classes.
 */
final class OtlpReceiver implements AutoCloseable {
    /** One span as exported: the {@code service.name} of its resource, its trace id (hex) and name. */
    record ExportedSpan(String serviceName, String traceId, String name) {
    }

    /** One export call: its request headers (lower-case names) and spans. */
    record Export(Map<String, String> headers, List<ExportedSpan> spans) {
    }

    private final HttpServer server;
    private final List<Export> exports = new CopyOnWriteArrayList<>();

    OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/traces", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT),
                    String.join(",", values)));
            int status = "POST".equals(exchange.getRequestMethod()) ? 200 : 405;
            if (status == 200) {
                exports.add(new Export(headers, spans(body)));
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    String tracesUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    List<Export> exports() {
        return List.copyOf(exports);
    }

    List<ExportedSpan> spans() {
        return exports.stream().flatMap(e -> e.spans().stream()).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** ExportTraceServiceRequest: 1 resource_spans { 1 resource { 1 attributes }, 2 scope_spans { 2 spans } }. */
    static List<ExportedSpan> spans(byte[] request) {
        List<ExportedSpan> out = new ArrayList<>();
        for (byte[] resourceSpans : bytes(fields(request), 1)) {
            Map<Integer, List<Object>> rs = fields(resourceSpans);
            String service = null;
            for (byte[] resource : bytes(rs, 1)) {
                for (byte[] keyValue : bytes(fields(resource), 1)) {
                    Map<Integer, List<Object>> kv = fields(keyValue);
                    if ("service.name".equals(text(kv, 1))) {
                        service = bytes(kv, 2).isEmpty() ? null : text(fields(bytes(kv, 2).getFirst()), 1);
                    }
                }
            }
            for (byte[] scopeSpans : bytes(rs, 2)) {
                for (byte[] span : bytes(fields(scopeSpans), 2)) {
                    Map<Integer, List<Object>> s = fields(span);
                    out.add(new ExportedSpan(service, HexFormat.of().formatHex(bytes(s, 1).getFirst()), text(s, 5)));
                }
            }
        }
        return out;
    }

    private static List<byte[]> bytes(Map<Integer, List<Object>> fields, int number) {
        return fields.getOrDefault(number, List.of()).stream().filter(byte[].class::isInstance)
                .map(byte[].class::cast).toList();
    }

    private static String text(Map<Integer, List<Object>> fields, int number) {
        List<byte[]> values = bytes(fields, number);
        return values.isEmpty() ? null : new String(values.getFirst(), StandardCharsets.UTF_8);
    }

    /** A message's fields by number: varints and fixed numbers as Long, length-delimited ones as byte[]. */
    private static Map<Integer, List<Object>> fields(byte[] message) {
        Map<Integer, List<Object>> out = new LinkedHashMap<>();
        int[] at = {0};
        while (at[0] < message.length) {
            long tag = varint(message, at);
            int number = (int) (tag >>> 3);
            Object value = switch ((int) (tag & 7)) {
                case 0 -> varint(message, at);
                case 1 -> fixed(message, at, 8);
                case 2 -> {
                    int length = (int) varint(message, at);
                    byte[] part = java.util.Arrays.copyOfRange(message, at[0], at[0] + length);
                    at[0] += length;
                    yield part;
                }
                case 5 -> fixed(message, at, 4);
                default -> throw new IllegalArgumentException("protobuf wire type " + (tag & 7) + " at " + at[0]);
            };
            out.computeIfAbsent(number, n -> new ArrayList<>()).add(value);
        }
        return out;
    }

    private static long varint(byte[] b, int[] at) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte next = b[at[0]++];
            value |= (long) (next & 0x7f) << shift;
            if (next >= 0) {
                return value;
            }
        }
    }

    private static long fixed(byte[] b, int[] at, int size) {
        long value = 0;
        for (int i = 0; i < size; i++) {
            value |= (long) (b[at[0]++] & 0xff) << (8 * i);
        }
        return value;
    }
}
