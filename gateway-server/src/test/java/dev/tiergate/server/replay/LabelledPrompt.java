package dev.tiergate.server.replay;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One prompt of a replay stream and the quality its labels give each tier's answer, e.g.
 * {@code {"prompt": "...", "scores": {"small": 0, "mid": 0.5, "frontier": 1}, "group": "mmlu/law"}}.
 */
record LabelledPrompt(String prompt, Map<String, Double> scores, String group) {
    LabelledPrompt {
        requireNonNull(prompt, "prompt");
        scores = Map.copyOf(scores);
        group = group == null ? "" : group;
    }

    double score(String tier) {
        Double s = scores.get(tier);
        if (s == null) {
            throw new IllegalArgumentException("no score for tier '" + tier + "' (labels: " + scores.keySet() + ")");
        }
        return s;
    }

    /** Reads a stream: one JSON object a line. */
    static List<LabelledPrompt> read(Path file) throws IOException {
        List<LabelledPrompt> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = Json.mapper().readTree(line);
            Map<String, Double> scores = new LinkedHashMap<>();
            node.get("scores").fields().forEachRemaining(e -> scores.put(e.getKey(), e.getValue().asDouble()));
            out.add(new LabelledPrompt(node.get("prompt").asText(), scores, node.path("group").asText("")));
        }
        return out;
    }
}
