package dev.tiergate.server.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML document as a JSON tree plus the line of every field, so validation messages can say
 * {@code gateway.yaml:12: providers.openai.base-url: ...}. Paths are dotted, list items {@code [i]}.
 */
public record LocatedYaml(String file, JsonNode root, Map<String, Integer> lines) {
    private static final YAMLFactory YAML = new YAMLFactory();

    public static LocatedYaml parse(String file, String text) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = YAML.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new LocatedYaml(file, JsonNodeFactory.instance.objectNode(), lines);
            }
            JsonNode root = read(p, "", lines);
            return new LocatedYaml(file, root, lines);
        } catch (IOException e) {
            String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
                    ? ":" + jpe.getLocation().getLineNr() : "";
            throw new ConfigException(java.util.List.of(file + where + ": not valid YAML: "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe2
                    ? jpe2.getOriginalMessage() : e.getMessage())));
        }
    }

    private static JsonNode read(JsonParser p, String path, Map<String, Integer> lines) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode obj = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String child = path.isEmpty() ? name : path + "." + name;
                    lines.put(child, p.currentLocation().getLineNr());
                    p.nextToken();
                    obj.set(name, read(p, child, lines));
                }
                return obj;
            }
            case START_ARRAY -> {
                ArrayNode arr = f.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    String child = path + "[" + i++ + "]";
                    lines.put(child, p.currentLocation().getLineNr());
                    arr.add(read(p, child, lines));
                }
                return arr;
            }
            case VALUE_STRING -> {
                return f.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return f.numberNode(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return f.numberNode(p.getDecimalValue());
            }
            case VALUE_TRUE -> {
                return f.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return f.booleanNode(false);
            }
            case VALUE_NULL -> {
                return f.nullNode();
            }
            default -> throw new IOException("unexpected YAML token " + p.currentToken());
        }
    }

    /** {@code file:line: path} for messages; the line of the nearest known parent when the field is absent. */
    public String where(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) {
                return file + ":" + line + ": " + path;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return file + ": " + path;
    }
}
