package dev.tiergate.server.reliability;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of hostile HTTP requests for the chat and embeddings endpoints: each request
 * {@code i} of a seed is always the same bytes, so a failure names what to replay. Most are
 * mutations of a valid chat request (broken JSON, wrong types, huge strings, deep nesting, invalid
 * UTF-8, absurd numbers, duplicate keys, injected CR/LF), the rest attack the HTTP layer (broken
 * heads, bad framing, header injection, oversized bodies, odd paths, methods and auth headers).
 */
final class HostileRequests {
    /** One request to send, and whether it needs a connection of its own (it may desynchronise the framing). */
    record Hostile(String kind, byte[] bytes, boolean freshConnection) {
        String preview() {
            String text = new String(bytes, 0, Math.min(bytes.length, 400), StandardCharsets.ISO_8859_1);
            return text.replace("\r", "\\r").replace("\n", "\\n") + (bytes.length > 400 ? "...(" + bytes.length + " bytes)" : "");
        }
    }

    private static final String[] ABSURD_NUMBERS = {
        "1e999", "-1e999", "1e-999", "99999999999999999999999999999", "-0", "-0.0", "0.1e1", "2147483648",
        "-2147483649", "9223372036854775808", "-9223372036854775809", "1.0000000000000002", "4.9e-324",
        "1".repeat(5000), "1" + "0".repeat(400) + ".5", "0x10", "NaN", "Infinity", "-Infinity", "+1", "01", ".5",
        "1.", "1e", "--1", "1e+", "0e0", "1E400", "123456789012345678901234567890e-10"};
    private static final String[] NUMBER_FIELDS = {
        "temperature", "top_p", "max_tokens", "max_completion_tokens", "n", "seed", "presence_penalty",
        "frequency_penalty", "logprobs", "top_logprobs"};
    private static final String[] TYPED_FIELDS = {
        "model", "messages", "stream", "stream_options", "temperature", "top_p", "max_tokens", "n", "seed", "stop",
        "tools", "tool_choice", "response_format", "user", "max_completion_tokens"};
    private static final String[] RANDOM_VALUES = {
        "null", "true", "false", "0", "-1", "1.5", "\"\"", "\"x\"", "[]", "{}", "[null]", "[{}]", "[[]]",
        "{\"role\":\"user\"}", "[{\"role\":\"user\",\"content\":null}]", "[{\"role\":1,\"content\":\"x\"}]",
        "[{\"role\":\"tool\",\"content\":\"x\"}]", "[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]",
        "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":5}}]}]",
        "[{\"role\":\"user\",\"content\":[{\"type\":\"nope\",\"text\":1}]}]",
        "[{\"type\":\"function\",\"function\":{\"parameters\":1}}]", "[{\"type\":\"function\"}]",
        "{\"type\":\"json_schema\"}", "{\"type\":\"xml\"}", "{\"include_usage\":\"yes\"}", "[1,2,3,4,5]",
        "\"\\u0000\"", "\"\\ud800\"", "\"" + "\\\\".repeat(50) + "\""};
    private static final byte[][] INVALID_UTF8 = {
        {(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xFE, (byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
        {(byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}};
    private static final String[] INJECTIONS = {
        "\r\nX-Injected: 1", "\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "\n", "\u0000", "%0d%0aX-Injected:%201",
        "\u2028", "../../admin", "demo-small/../../x", "demo-small\r\nHost: evil.example", "${jndi:ldap://x/a}",
        "<script>alert(1)</script>", "' OR 1=1 --", "demo-small?x=1", "demo-small#frag", "%2e%2e%2fadmin"};

    private final long seed;
    private final int maxRequestBytes;
    private final String key;

    HostileRequests(long seed, int maxRequestBytes, String key) {
        this.seed = seed;
        this.maxRequestBytes = maxRequestBytes;
        this.key = key;
    }

    Hostile request(int index) {
        Random r = new Random(seed * 1_000_003L + index);
        int pick = r.nextInt(100);
        if (pick < 8) {
            return new Hostile("valid", chat(validBody(r)), false);
        } else if (pick < 16) {
            return truncatedJson(r);
        } else if (pick < 24) {
            return byteFlips(r);
        } else if (pick < 34) {
            return wrongType(r);
        } else if (pick < 37) {
            return hugeString(r);
        } else if (pick < 42) {
            return deepNesting(r);
        } else if (pick < 48) {
            return invalidUtf8(r);
        } else if (pick < 55) {
            return absurdNumber(r);
        } else if (pick < 60) {
            return duplicateKey(r);
        } else if (pick < 67) {
            return injection(r);
        } else if (pick < 73) {
            return sseHeaders(r);
        } else if (pick < 77) {
            return pathAndMethod(r);
        } else if (pick < 81) {
            return auth(r);
        } else if (pick < 89) {
            return malformedHttp(r);
        } else if (pick < 91) {
            return oversized(r);
        } else if (pick < 95) {
            return chunked(r);
        }
        return embeddings(r);
    }

    // ---- bodies -------------------------------------------------------------------------------

    private static String validBody(Random r) {
        StringBuilder b = new StringBuilder("{\"model\":\"").append(r.nextBoolean() ? "demo-small" : "auto").append("\"");
        if (r.nextBoolean()) {
            b.append(",\"stream\":true");
            if (r.nextBoolean()) {
                b.append(",\"stream_options\":{\"include_usage\":true}");
            }
        }
        if (r.nextInt(3) == 0) {
            b.append(",\"temperature\":").append(r.nextInt(3) == 0 ? "0" : String.valueOf(r.nextInt(20) / 10.0));
        }
        if (r.nextInt(4) == 0) {
            b.append(",\"max_tokens\":").append(1 + r.nextInt(500));
        }
        b.append(",\"messages\":[");
        if (r.nextInt(3) == 0) {
            b.append("{\"role\":\"system\",\"content\":\"You are terse.\"},");
        }
        b.append("{\"role\":\"user\",\"content\":\"").append(words(r, 1 + r.nextInt(12))).append("\"}]}");
        return b.toString();
    }

    private static String words(Random r, int count) {
        String[] vocabulary = {"what", "is", "the", "capital", "of", "France", "explain", "recursion", "ünïcödé",
            "数字", "🙂", "tab\\t", "quote\\\"", "line\\nbreak", "count", "to", "five", "42"};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            b.append(i == 0 ? "" : " ").append(vocabulary[r.nextInt(vocabulary.length)]);
        }
        return b.toString();
    }

    private Hostile truncatedJson(Random r) {
        byte[] body = validBody(r).getBytes(StandardCharsets.UTF_8);
        int cut = r.nextInt(body.length);
        byte[] truncated = new byte[cut];
        System.arraycopy(body, 0, truncated, 0, cut);
        return new Hostile("truncated-json", chat(truncated), false);
    }

    private Hostile byteFlips(Random r) {
        byte[] body = validBody(r).getBytes(StandardCharsets.UTF_8);
        int flips = 1 + r.nextInt(8);
        for (int i = 0; i < flips; i++) {
            body[r.nextInt(body.length)] = (byte) r.nextInt(256);
        }
        return new Hostile("byte-flips", chat(body), false);
    }

    private Hostile wrongType(Random r) {
        String field = TYPED_FIELDS[r.nextInt(TYPED_FIELDS.length)];
        String value = RANDOM_VALUES[r.nextInt(RANDOM_VALUES.length)];
        String body;
        if (field.equals("messages")) {
            body = "{\"model\":\"demo-small\",\"messages\":" + value + "}";
        } else if (field.equals("model")) {
            body = "{\"model\":" + value + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        } else {
            body = "{\"model\":\"demo-small\",\"" + field + "\":" + value
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        }
        return new Hostile("wrong-type", chat(body), false);
    }

    private Hostile hugeString(Random r) {
        int[] sizes = {10_000, 100_000, maxRequestBytes - 200, maxRequestBytes + 1};
        int size = sizes[r.nextInt(sizes.length)];
        String filler = r.nextBoolean() ? "a" : "é";
        String big = filler.repeat(size / filler.getBytes(StandardCharsets.UTF_8).length);
        String body = switch (r.nextInt(3)) {
            case 0 -> "{\"model\":\"demo-small\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}";
            case 1 -> "{\"model\":\"" + big + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            default -> "{\"model\":\"demo-small\",\"" + big.substring(0, Math.min(big.length(), 60_000))
                    + "\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        };
        return limited("huge-string", body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A chat request, or for a body over the limit only its head: the server answers 413 as soon
     * as it reads the head and closes, and a client still writing the body would see a reset.
     */
    private Hostile limited(String kind, byte[] body) {
        if (body.length > maxRequestBytes) {
            return new Hostile(kind, head("POST", "/v1/chat/completions", body.length, List.of()), true);
        }
        return new Hostile(kind, chat(body), false);
    }

    private Hostile deepNesting(Random r) {
        int[] depths = {50, 999, 1001, 5_000, 100_000};
        int depth = depths[r.nextInt(depths.length)];
        boolean objects = r.nextBoolean();
        boolean closed = r.nextInt(4) != 0;
        StringBuilder nested = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            nested.append(objects ? "{\"a\":" : "[");
        }
        nested.append("1");
        if (closed) {
            for (int i = 0; i < depth; i++) {
                nested.append(objects ? '}' : ']');
            }
        }
        String where = r.nextBoolean() ? "\"metadata\"" : "\"tools\"";
        String body = "{\"model\":\"demo-small\"," + where + ":" + nested
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return limited("deep-nesting", body.getBytes(StandardCharsets.UTF_8));
    }

    private Hostile invalidUtf8(Random r) {
        byte[] body = validBody(r).getBytes(StandardCharsets.UTF_8);
        byte[] bad = INVALID_UTF8[r.nextInt(INVALID_UTF8.length)];
        int at = indexOfContent(body, r);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(body, 0, at);
        out.writeBytes(bad);
        out.write(body, at, body.length - at);
        return new Hostile("invalid-utf8", chat(out.toByteArray()), false);
    }

    /** A position inside the last string value of a body (just before its closing quote). */
    private static int indexOfContent(byte[] body, Random r) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int end = text.lastIndexOf("\"}");
        return end > 0 && r.nextInt(4) != 0 ? end : text.indexOf("\"model\":\"") + 9;
    }

    private Hostile absurdNumber(Random r) {
        String field = NUMBER_FIELDS[r.nextInt(NUMBER_FIELDS.length)];
        String number = ABSURD_NUMBERS[r.nextInt(ABSURD_NUMBERS.length)];
        String body = "{\"model\":\"demo-small\",\"" + field + "\":" + number
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return new Hostile("absurd-number", chat(body), false);
    }

    private Hostile duplicateKey(Random r) {
        String body = switch (r.nextInt(4)) {
            case 0 -> "{\"model\":\"demo-small\",\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            case 1 -> "{\"model\":\"demo-small\",\"messages\":[{\"role\":\"user\",\"role\":\"system\",\"content\":\"hi\"}]}";
            case 2 -> "{\"model\":\"demo-small\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"stream\":true}";
            default -> "{\"model\":\"demo-small\",\"metadata\":{\"a\":1,\"a\":2},\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"hi\"}]}";
        };
        return new Hostile("duplicate-key", chat(body), false);
    }

    private Hostile injection(Random r) {
        String payload = INJECTIONS[r.nextInt(INJECTIONS.length)];
        String escaped = jsonEscape(payload);
        return switch (r.nextInt(4)) {
            case 0 -> new Hostile("injection-model", chat("{\"model\":\"" + escaped
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), false);
            case 1 -> new Hostile("injection-fields", chat("{\"model\":\"demo-small\",\"user\":\"" + escaped
                    + "\",\"messages\":[{\"role\":\"user\",\"name\":\"" + escaped + "\",\"content\":\"" + escaped
                    + "\"}]}"), false);
            case 2 -> new Hostile("injection-header", chat(validBody(r).getBytes(StandardCharsets.UTF_8),
                    List.of("X-Tiergate-Cache: off" + payload, "Cache-Control: no-cache" + payload)), true);
            default -> new Hostile("injection-raw-model", chat(("{\"model\":\"demo-small" + payload
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8)),
                    false);
        };
    }

    private Hostile sseHeaders(Random r) {
        String[] headers = {
            "Accept: text/event-stream", "Accept: text/event-stream;q=abc", "Accept: */*;;;", "Last-Event-ID: \u00ff\u00fe",
            "Last-Event-ID: " + "9".repeat(500), "Cache-Control: no-store, no-cache, max-age=-1", "Cache-Control: ,,,,",
            "X-Tiergate-Cache: " + "x".repeat(2000), "Accept-Encoding: gzip, br", "Content-Type: text/event-stream",
            "Connection: Upgrade", "Upgrade: h2c", "Upgrade: websocket", "TE: trailers", "Content-Encoding: gzip",
            "Accept: application/json", "Connection: keep-alive, close", "Transfer-Encoding: identity"};
        List<String> chosen = new ArrayList<>();
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
            chosen.add(headers[r.nextInt(headers.length)]);
        }
        String[] streams = {"true", "false", "\"true\"", "1", "null", "{}"};
        String body = "{\"model\":\"demo-small\",\"stream\":" + streams[r.nextInt(streams.length)]
                + (r.nextBoolean() ? ",\"stream_options\":{\"include_usage\":" + streams[r.nextInt(streams.length)] + "}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + words(r, 3) + "\"}]}";
        return new Hostile("sse-headers", chat(body.getBytes(StandardCharsets.UTF_8), chosen), true);
    }

    private Hostile pathAndMethod(Random r) {
        String[] methods = {"GET", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "BREW", "POST"};
        String[] paths = {
            "/v1/chat/completions/", "//v1/chat/completions", "/v1/../v1/chat/completions", "/v1/chat/completions?x=%zz",
            "/v1/chat%2Fcompletions", "/V1/CHAT/COMPLETIONS", "/v1/chat/completions;jsessionid=1", "/admin",
            "/v1/models/../../etc/passwd", "*", "http://evil.example/v1/chat/completions", "/v1/chat/completions#x",
            "/" + "a".repeat(9000), "/v1/chat/completions?" + "q=1&".repeat(1000)};
        String method = methods[r.nextInt(methods.length)];
        String path = paths[r.nextInt(paths.length)];
        byte[] body = validBody(r).getBytes(StandardCharsets.UTF_8);
        return new Hostile("path-method", request(method, path, "HTTP/1.1", List.of("Authorization: Bearer " + key,
                "Content-Type: application/json", "Content-Length: " + body.length), body), true);
    }

    private Hostile auth(Random r) {
        String[] values = {
            null, "", "Bearer", "Bearer ", "Bearer  ", "bearer " + key, "Basic dXNlcjpwYXNz", "Bearer " + key + "x",
            "Bearer " + key.substring(0, key.length() - 1), "Bearer " + "k".repeat(20_000), "Bearer \u00ff\u00fe\u00fd",
            "Bearer " + key + ", Bearer " + key, "Token " + key};
        String value = values[r.nextInt(values.length)];
        byte[] body = validBody(r).getBytes(StandardCharsets.UTF_8);
        List<String> headers = new ArrayList<>(List.of("Content-Type: application/json", "Content-Length: " + body.length));
        if (value != null) {
            headers.add("Authorization: " + value);
        }
        return new Hostile("auth", request("POST", "/v1/chat/completions", "HTTP/1.1", headers, body), true);
    }

    private Hostile malformedHttp(Random r) {
        byte[] body = validBody(r).getBytes(StandardCharsets.UTF_8);
        String auth = "Authorization: Bearer " + key;
        String cl = "Content-Length: " + body.length;
        String raw = switch (r.nextInt(20)) {
            case 0 -> "GARBAGE\r\n\r\n";
            case 1 -> "POST /v1/chat/completions\r\n" + auth + "\r\n\r\n";
            case 2 -> "POST /v1/chat/completions HTTP/9.9\r\nHost: x\r\n" + auth + "\r\n" + cl + "\r\n\r\n";
            case 3 -> "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n" + auth + "\r\n" + cl + "\r\n\r\n";
            case 4 -> "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n" + auth + "\r\n" + cl + "\r\n\r\n";
            case 5 -> "POST /v1/chat/completions HTTP/1.1\nHost: x\n" + auth + "\n" + cl + "\n\n";
            case 6 -> "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nX-Fold: a\r\n  folded\r\n" + cl + "\r\n\r\n";
            case 7 -> "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nContent-Length: -5\r\n\r\n";
            case 8 -> "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nContent-Length: abc\r\n\r\n";
            case 9 -> "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nContent-Length: 10, 20\r\n\r\n";
            case 10 -> "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n" + cl + "\r\nContent-Length: "
                    + (body.length + 1) + "\r\n\r\n";
            case 11 -> "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n" + cl
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n";
            case 12 -> "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nX-Big: " + "b".repeat(40_000)
                    + "\r\n" + cl + "\r\n\r\n";
            case 13 -> "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nX-Nul: a\u0000b\r\n" + cl + "\r\n\r\n";
            case 14 -> "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nX-Ctl: a\u0001\u007fb\r\n" + cl + "\r\n\r\n";
            case 15 -> "POST  /v1/chat/completions  HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n" + cl + "\r\n\r\n";
            case 16 -> "\r\n\r\n\r\nPOST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n" + cl + "\r\n\r\n";
            case 17 -> "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nTransfer-Encoding: gzip, chunked\r\n\r\n";
            case 18 -> "POST /v1/chat/completions HTTP/1.0\r\n" + auth + "\r\n" + cl + "\r\n\r\n";
            default -> "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n" + "X-Many: 1\r\n".repeat(3000)
                    + cl + "\r\n\r\n";
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(raw.getBytes(StandardCharsets.ISO_8859_1));
        if (raw.contains("chunked")) {
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        } else if (raw.contains(cl + "\r\n\r\n") || raw.contains(cl + "\n\n")) {
            out.writeBytes(body);
        }
        return new Hostile("malformed-http", out.toByteArray(), true);
    }

    private Hostile oversized(Random r) {
        String[] lengths = {String.valueOf(maxRequestBytes + 1), "2147483648", "99999999999999999999999"};
        return new Hostile("oversized", request("POST", "/v1/chat/completions", "HTTP/1.1", List.of("Authorization: Bearer " + key,
                "Content-Type: application/json", "Content-Length: " + lengths[r.nextInt(lengths.length)]), new byte[0]), true);
    }

    private Hostile chunked(Random r) {
        byte[] body = validBody(r).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int variant = r.nextInt(5);
        int at = 0;
        while (at < body.length) {
            int n = Math.min(body.length - at, 1 + r.nextInt(40));
            String size = Integer.toHexString(n);
            out.writeBytes((switch (variant) {
                case 1 -> size + ";ext=1";
                case 2 -> "zz";
                case 3 -> size.toUpperCase() + " ";
                default -> size;
            } + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            at += n;
        }
        out.writeBytes((variant == 4 ? "0\r\nX-Trailer: t\r\n\r\n" : "0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return new Hostile("chunked", request("POST", "/v1/chat/completions", "HTTP/1.1", List.of("Authorization: Bearer " + key,
                "Content-Type: application/json", "Transfer-Encoding: chunked"), out.toByteArray()), true);
    }

    private Hostile embeddings(Random r) {
        String[] inputs = {"\"hello\"", "[\"a\",\"b\"]", "[]", "[1,2,3]", "[[1,2]]", "5", "null", "{}", "[\"" + "x".repeat(5000) + "\"]",
            "[null]", "\"\\ud800\""};
        String[] models = {"demo-embedding", "demo-small", "../demo-embedding", "nope"};
        String body = "{\"model\":\"" + models[r.nextInt(models.length)] + "\",\"input\":" + inputs[r.nextInt(inputs.length)]
                + (r.nextInt(3) == 0 ? ",\"dimensions\":" + ABSURD_NUMBERS[r.nextInt(ABSURD_NUMBERS.length)] : "") + "}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new Hostile("embeddings", request("POST", "/v1/embeddings", "HTTP/1.1", List.of("Authorization: Bearer " + key,
                "Content-Type: application/json", "Content-Length: " + bytes.length), bytes), false);
    }

    // ---- HTTP framing -------------------------------------------------------------------------

    private byte[] chat(String body) {
        return chat(body.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] chat(byte[] body) {
        return chat(body, List.of());
    }

    private byte[] chat(byte[] body, List<String> extraHeaders) {
        List<String> headers = new ArrayList<>(List.of("Authorization: Bearer " + key, "Content-Type: application/json",
                "Content-Length: " + body.length));
        headers.addAll(extraHeaders);
        return request("POST", "/v1/chat/completions", "HTTP/1.1", headers, body);
    }

    private byte[] head(String method, String path, int contentLength, List<String> extraHeaders) {
        List<String> headers = new ArrayList<>(List.of("Authorization: Bearer " + key, "Content-Type: application/json",
                "Content-Length: " + contentLength));
        headers.addAll(extraHeaders);
        return request(method, path, "HTTP/1.1", headers, new byte[0]);
    }

    static byte[] request(String method, String path, String version, List<String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(' ').append(version).append("\r\n");
        head.append("Host: 127.0.0.1\r\n");
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x2028) {
                b.append("\\u%04x".formatted((int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
