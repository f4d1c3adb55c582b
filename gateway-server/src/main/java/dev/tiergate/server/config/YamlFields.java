package dev.tiergate.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed reads from one located YAML document. Problems are collected, not thrown, so one start-up
 * reports every mistake at once, each as {@code file:line: path: what (expected: ...)}.
 */
final class YamlFields {
    private final LocatedYaml doc;
    private final EnvSubstitution env;
    private final List<String> problems;

    YamlFields(LocatedYaml doc, EnvSubstitution env, List<String> problems) {
        this.doc = doc;
        this.env = env;
        this.problems = problems;
    }

    /**
     * The node at a dotted path; keys may contain dots themselves (model names such as gpt-4.1),
     * and {@code [i]} picks a list item ({@code models.m.deployments[0].provider}).
     */
    JsonNode node(String path) {
        JsonNode n = doc.root();
        String rest = path;
        while (n != null && !rest.isEmpty()) {
            if (rest.startsWith("[")) {
                int close = rest.indexOf(']');
                n = n.isArray() && close > 1 ? n.get(Integer.parseInt(rest.substring(1, close))) : null;
                rest = rest.substring(close + 1);
                rest = rest.startsWith(".") ? rest.substring(1) : rest;
                continue;
            }
            String best = null;
            if (rest.startsWith("[")) {
                int end = rest.indexOf(']');
                n = end < 0 ? null : n.get(Integer.parseInt(rest.substring(1, end)));
                rest = end < 0 || end + 1 == rest.length() ? "" : rest.substring(rest.charAt(end + 1) == '.' ? end + 2 : end + 1);
                continue;
            }
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if ((rest.equals(f) || rest.startsWith(f + ".") || rest.startsWith(f + "["))
                        && (best == null || f.length() > best.length())) {
                    best = f;
                }
            }
            if (best == null) {
                return null;
            }
            n = n.get(best);
            rest = rest.length() == best.length() ? "" : rest.substring(rest.charAt(best.length()) == '.' ? best.length() + 1 : best.length());
        }
        return n == null || n.isNull() ? null : n;
    }

    void problem(String path, String message) {
        problems.add(doc.where(path) + ": " + message);
    }

    String string(String path, String defaultValue) {
        JsonNode n = node(path);
        if (n == null) {
            return defaultValue;
        }
        if (!n.isValueNode()) {
            problem(path, "expected a text value");
            return defaultValue;
        }
        try {
            return env.resolve(n.asText());
        } catch (IllegalArgumentException e) {
            problem(path, e.getMessage());
            return defaultValue;
        }
    }

    String requiredString(String path) {
        String s = string(path, null);
        if (s == null && node(path) == null) {
            problem(path, "missing (expected: a text value)");
        }
        return s;
    }

    long number(String path, long defaultValue, long min, long max) {
        String s = string(path, null);
        if (s == null) {
            return defaultValue;
        }
        try {
            long v = Long.parseLong(s.trim());
            if (v < min || v > max) {
                problem(path, v + " (expected: between " + min + " and " + max + ")");
                return defaultValue;
            }
            return v;
        } catch (NumberFormatException e) {
            problem(path, "'" + s + "' (expected: a whole number)");
            return defaultValue;
        }
    }

    BigDecimal decimal(String path, BigDecimal defaultValue) {
        String s = string(path, null);
        if (s == null) {
            return defaultValue;
        }
        try {
            BigDecimal v = new BigDecimal(s.trim());
            if (v.signum() < 0) {
                problem(path, s + " (expected: >= 0)");
            }
            return v;
        } catch (NumberFormatException e) {
            problem(path, "'" + s + "' (expected: a number)");
            return defaultValue;
        }
    }

    boolean bool(String path, boolean defaultValue) {
        String s = string(path, null);
        if (s == null) {
            return defaultValue;
        }
        return switch (s.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problem(path, "'" + s + "' (expected: true or false)");
                yield defaultValue;
            }
        };
    }

    /**
     * One of an enum's constants, named in lower case ({@code MEMORY}: {@code memory}); another
     * value is reported with the names expected, and gives {@code defaultValue}.
     */
    <E extends Enum<E>> E choice(String path, E defaultValue) {
        String name = string(path, null);
        if (name == null) {
            return defaultValue;
        }
        E[] constants = defaultValue.getDeclaringClass().getEnumConstants();
        for (E constant : constants) {
            if (constant.name().toLowerCase(java.util.Locale.ROOT).equals(name.trim())) {
                return constant;
            }
        }
        problem(path, "'" + name + "' (expected: " + String.join(" or ", java.util.Arrays.stream(constants)
                .map(c -> c.name().toLowerCase(java.util.Locale.ROOT)).toList()) + ")");
        return defaultValue;
    }

    List<String> strings(String path) {
        JsonNode n = node(path);
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray()) {
            problem(path, "expected a list");
            return out;
        }
        for (int i = 0; i < n.size(); i++) {
            JsonNode item = n.get(i);
            if (!item.isValueNode() || item.isNull()) {
                problem(path + "[" + i + "]", "expected a text value");
                continue;
            }
            try {
                out.add(env.resolve(item.asText()));
            } catch (IllegalArgumentException e) {
                problem(path + "[" + i + "]", e.getMessage());
            }
        }
        return out;
    }

    /** Field names of a mapping, in file order; reports a non-mapping. */
    List<String> keys(String path) {
        JsonNode n = path.isEmpty() ? doc.root() : node(path);
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isObject()) {
            problem(path, "expected a mapping");
            return out;
        }
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** Reports keys under {@code path} that are not in {@code known} (typos must not pass silently). */
    void onlyKeys(String path, Set<String> known) {
        JsonNode n = path.isEmpty() ? doc.root() : node(path);
        if (n == null || !n.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!known.contains(key)) {
                String full = path.isEmpty() ? key : path + "." + key;
                problem(full, "unknown key (expected one of: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
    }
}
