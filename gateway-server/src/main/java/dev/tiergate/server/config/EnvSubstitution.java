package dev.tiergate.server.config;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Replaces {@code ${VAR}} and {@code ${VAR:-default}} in config strings. */
final class EnvSubstitution {
    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

    private final Function<String, String> env;

    EnvSubstitution(Function<String, String> env) {
        this.env = env;
    }

    /** The resolved text; throws IllegalArgumentException naming an unset variable that has no default. */
    String resolve(String text) {
        if (text.indexOf("${") < 0) {
            return text;
        }
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.apply(m.group(1));
            if (value == null || (value.isEmpty() && m.group(2) != null)) {
                if (m.group(2) == null) {
                    throw new IllegalArgumentException("environment variable " + m.group(1)
                            + " is not set (write ${" + m.group(1) + ":-default} to allow that)");
                }
                value = m.group(3);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
