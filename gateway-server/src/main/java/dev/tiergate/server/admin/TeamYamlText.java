package dev.tiergate.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A team file's text read as a YAML mapping and written again: values and {@code ${ENV}}
 * references stay, and so does its leading comment block; comments further down do not.
 */
final class TeamYamlText {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

    private TeamYamlText() {
    }

    /** The file's mapping, or null when it is not YAML or not a mapping (the config loader reports it). */
    static ObjectNode parse(String text) {
        try {
            JsonNode parsed = YAML.readTree(text);
            return parsed instanceof ObjectNode root ? root : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The team id of a file's text, or null. */
    static String id(String text) {
        ObjectNode root = parse(text);
        return root == null || !root.path("id").isValueNode() ? null : root.path("id").asText();
    }

    /** {@code root} as YAML text, after the leading comment block of {@code original}. */
    static String write(ObjectNode root, String original) {
        try {
            return leadingComments(original) + YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String leadingComments(String text) {
        StringBuilder head = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!line.startsWith("#")) {
                break;
            }
            head.append(line).append('\n');
        }
        return head.toString();
    }
}
