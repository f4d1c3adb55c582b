package dev.tiergate.server.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What counts as a proper answer of the gateway: a complete OpenAI-shaped answer (JSON, or an SSE
 * stream ending in {@code [DONE]}), or one OpenAI-format error {@code {"error":{"message","type","code"}}}.
 * Each check returns null when the answer is proper, else what is wrong with it.
 */
final class Answers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Answers() {
    }

    /**
     * A client error or a complete answer; never a 5xx. With {@code upstreamErrors}, also the
     * gateway's 502/503/504 for a failing provider (but never 500, a failure of the gateway itself).
     */
    static String problem(int status, String contentType, byte[] body, boolean upstreamErrors) {
        if (status == 200) {
            return contentType != null && contentType.startsWith("text/event-stream")
                    ? streamProblem(new String(body, StandardCharsets.UTF_8)) : jsonAnswerProblem(body);
        }
        if (status >= 500 && !(upstreamErrors && status != 500)) {
            return "status " + status + " (expected: 200 or a 4xx)" + describe(body);
        }
        if (status < 400) {
            return "status " + status + " (expected: 200 or an error)" + describe(body);
        }
        return errorBodyProblem(body);
    }

    /** Null when {@code body} is {@code {"error":{"message":string,"type":string,"code":string}}}. */
    static String errorBodyProblem(byte[] body) {
        JsonNode error = parse(body).path("error");
        if (!error.path("message").isTextual() || !error.path("type").isTextual() || !error.path("code").isTextual()) {
            return "not an OpenAI-format error (message, type and code strings)" + describe(body);
        }
        return null;
    }

    private static String jsonAnswerProblem(byte[] body) {
        JsonNode root = parse(body);
        boolean chat = root.path("choices").isArray() && !root.path("choices").isEmpty();
        boolean list = "list".equals(root.path("object").asText()) && root.path("data").isArray();
        boolean health = root.path("status").isTextual();
        return chat || list || health ? null : "200 without an answer" + describe(body);
    }

    /**
     * Null when an SSE body is complete: every event a JSON chunk, ending in {@code [DONE]} after
     * a finish reason, or ending in one error event (a stream that failed after it started).
     */
    static String streamProblem(String body) {
        List<String> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (!block.isBlank()) {
                events.add(block.strip());
            }
        }
        if (events.isEmpty()) {
            return "empty event stream";
        }
        for (String event : events.subList(0, events.size() - 1)) {
            if (!event.startsWith("data: {") || parse(event.substring(6).getBytes(StandardCharsets.UTF_8)).isMissingNode()) {
                return "event stream with a malformed event: " + abbreviate(event);
            }
        }
        String last = events.getLast();
        if (last.equals("data: [DONE]")) {
            return body.contains("\"finish_reason\":\"") ? null : "stream ended with [DONE] but no finish_reason";
        }
        if (last.startsWith("data: {\"error\"")) {
            return errorBodyProblem(last.substring(6).getBytes(StandardCharsets.UTF_8));
        }
        return "stream ended neither with [DONE] nor with an error event: " + abbreviate(last);
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            return root == null ? JSON.missingNode() : root;
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    private static String describe(byte[] body) {
        return ": " + abbreviate(new String(body, StandardCharsets.UTF_8));
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
