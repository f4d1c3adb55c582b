package dev.tiergate.server.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model switch applied to a team file's text by replacing only the lines of what it changes (the
 * {@code default-model} line, or one entry under {@code aliases:}), so the file's other lines and
 * comments stay as they were. The result is checked: when it does not read as the parsed file with
 * the switch applied (a flow-style {@code aliases: {...}}, an unusual layout), the file is written
 * again from its parsed form instead ({@link TeamYamlText#write}), which keeps only its leading
 * comments.
 */
final class TeamFileEdit {
    private TeamFileEdit() {
    }

    /** {@code text} with {@code edit} applied; null when {@code text} is not a YAML mapping. */
    static String apply(String text, RoutingEdit edit) {
        ObjectNode expected = TeamYamlText.parse(text);
        if (expected == null) {
            return null;
        }
        edit.applyTo(expected);
        String edited = inPlace(text, edit);
        if (edited != null && expected.equals(TeamYamlText.parse(edited))) {
            return edited;
        }
        return TeamYamlText.write(expected, text);
    }

    /** The text with only the switch's lines replaced; null when its layout is not the block style handled here. */
    private static String inPlace(String text, RoutingEdit edit) {
        boolean newline = text.endsWith("\n");
        List<String> lines = new ArrayList<>(Arrays.asList((newline ? text.substring(0, text.length() - 1) : text)
                .split("\n", -1)));
        if (edit.field().equals(RoutingEdit.DEFAULT_MODEL)) {
            replace(lines, 0, lines.size(), 0, RoutingEdit.DEFAULT_MODEL, edit);
        } else if (!alias(lines, edit)) {
            return null;
        }
        return String.join("\n", lines) + (newline ? "\n" : "");
    }

    /** Replaces (or adds, or removes) the entry {@code alias} under the top-level {@code aliases:} block. */
    private static boolean alias(List<String> lines, RoutingEdit edit) {
        String alias = edit.field().substring("aliases.".length());
        int aliases = find(lines, 0, lines.size(), 0, "aliases");
        if (aliases < 0) {
            if (!edit.value().isNull()) {
                lines.add("aliases:");
                lines.addAll(render(alias, edit, 2));
            }
            return true;
        }
        String rest = lines.get(aliases).substring(lines.get(aliases).indexOf(':') + 1).trim();
        if (!rest.isEmpty() && !rest.startsWith("#")) {
            return false;   // flow style: aliases: {...}
        }
        int end = blockEnd(lines, aliases, 0);
        int indent = 2;
        for (int i = aliases + 1; i < end; i++) {
            if (isContent(lines.get(i))) {
                indent = indentation(lines.get(i));
                break;
            }
        }
        replace(lines, aliases + 1, end, indent, alias, edit);
        return true;
    }

    /**
     * Within lines {@code [from, to)}, replaces the entry {@code key} at {@code indent} and the lines
     * under it with the edit's rendering, removes it for a removal, or adds it after the last
     * content line when there is none.
     */
    private static void replace(List<String> lines, int from, int to, int indent, String key, RoutingEdit edit) {
        int at = find(lines, from, to, indent, key);
        List<String> rendered = edit.value().isNull() ? List.of() : render(key, edit, indent);
        if (at >= 0) {
            int end = blockEnd(lines, at, indent);
            lines.subList(at, end).clear();
            lines.addAll(at, rendered);
            return;
        }
        int last = from - 1;
        for (int i = from; i < to; i++) {
            if (isContent(lines.get(i))) {
                last = i;
            }
        }
        lines.addAll(last + 1, rendered);
    }

    /** The line in {@code [from, to)} at {@code indent} whose key is {@code key}, or -1. */
    private static int find(List<String> lines, int from, int to, int indent, String key) {
        for (int i = from; i < to; i++) {
            String line = lines.get(i);
            if (isContent(line) && indentation(line) == indent && key.equals(keyOf(line.substring(indent)))) {
                return i;
            }
        }
        return -1;
    }

    /** The first line after {@code start} that is not blank and not indented deeper than {@code indent}. */
    private static int blockEnd(List<String> lines, int start, int indent) {
        for (int i = start + 1; i < lines.size(); i++) {
            if (!lines.get(i).isBlank() && indentation(lines.get(i)) <= indent) {
                return i;
            }
        }
        return lines.size();
    }

    /** {@code key: value} of the edit as YAML lines indented by {@code indent}. */
    private static List<String> render(String key, RoutingEdit edit, int indent) {
        ObjectNode single = JsonNodeFactory.instance.objectNode();
        single.set(key, edit.value());
        String yaml = TeamYamlText.write(single, "");
        String pad = " ".repeat(indent);
        return Arrays.stream(yaml.split("\n")).filter(l -> !l.isEmpty()).map(l -> pad + l).toList();
    }

    /** The mapping key a line starts with ({@code key:}, {@code "key":}), or null. */
    private static String keyOf(String line) {
        if (line.startsWith("\"") || line.startsWith("'")) {
            int close = line.indexOf(line.charAt(0), 1);
            return close > 0 && line.startsWith(":", close + 1) ? line.substring(1, close) : null;
        }
        int colon = line.indexOf(':');
        while (colon >= 0 && colon + 1 < line.length() && !Character.isWhitespace(line.charAt(colon + 1))) {
            colon = line.indexOf(':', colon + 1);
        }
        return colon <= 0 || line.startsWith("-") ? null : line.substring(0, colon).trim();
    }

    private static boolean isContent(String line) {
        return !line.isBlank() && !line.stripLeading().startsWith("#");
    }

    private static int indentation(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
