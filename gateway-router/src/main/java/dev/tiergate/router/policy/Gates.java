package dev.tiergate.router.policy;

import dev.tiergate.router.classifier.ComplexityTier;
import dev.tiergate.router.classifier.RequestShape;
import java.util.ArrayList;
import java.util.List;

/** Request features that need a capable model. A gate only ever raises the tier, never lowers it. */
public final class Gates {
    public static final String TOOLS = "tools";
    public static final String IMAGES = "images";
    public static final String JSON_SCHEMA = "json-schema";
    public static final String LONG_CONTEXT = "long-context";

    private Gates() {
    }

    /** The lowest tier the request may use, and the gates that set it. */
    public static Result evaluate(RequestShape shape, GateSettings settings) {
        List<String> fired = new ArrayList<>();
        if (settings.tools() && shape.tools()) {
            fired.add(TOOLS);
        }
        if (settings.images() && shape.images()) {
            fired.add(IMAGES);
        }
        if (settings.jsonSchema() && shape.jsonSchema()) {
            fired.add(JSON_SCHEMA);
        }
        if (settings.longContextTokens() > 0 && shape.contextTokens() >= settings.longContextTokens()) {
            fired.add(LONG_CONTEXT);
        }
        return new Result(fired.isEmpty() ? ComplexityTier.SMALL : ComplexityTier.MID, fired);
    }

    /** {@code floor}: the lowest tier allowed; {@code fired}: the names of the gates that fired. */
    public record Result(ComplexityTier floor, List<String> fired) {
        public Result {
            fired = List.copyOf(fired);
        }

        /** {@code tier}, raised to the floor. */
        public ComplexityTier apply(ComplexityTier tier) {
            return tier.atLeast(floor);
        }
    }
}
