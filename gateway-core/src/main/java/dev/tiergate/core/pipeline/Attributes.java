package dev.tiergate.core.pipeline;

/** Attribute keys shared between stages and the dispatcher. */
public final class Attributes {
    /** The tier a router chose for an alias model; the dispatcher picks that tier's models. */
    public static final AttributeKey<String> TIER = AttributeKey.of("tier", String.class);

    private Attributes() {
    }
}
