package dev.tiergate.server.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.server.accounting.RequestLog;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@code /dashboard/api/tail}: the request log's lines held, numbered; {@code next} is what to ask
 * after next time.
 */
public final class TailView {
    /** Lines given without {@code after}. */
    public static final int DEFAULT_LINES = 100;

    private TailView() {
    }

    /** The lines after {@code after} (null: the last {@value #DEFAULT_LINES}). */
    public static ObjectNode of(Ring<RequestLog.Line> ring, Long after) {
        long latest = ring.latest();
        List<Ring.Numbered<RequestLog.Line>> lines = after == null ? ring.last(DEFAULT_LINES) : ring.after(after);
        ObjectNode root = UsageJson.mapper().createObjectNode();
        ArrayNode out = root.putArray("lines");
        for (Ring.Numbered<RequestLog.Line> line : lines) {
            ObjectNode row = out.addObject();
            row.put("seq", line.number());
            row.set("entry", entry(line.value().json()));
        }
        long next = !lines.isEmpty() ? lines.getLast().number()
                : after == null || after > latest ? latest : after;
        root.put("next", next);
        return root;
    }

    private static JsonNode entry(String json) {
        try {
            return UsageJson.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
