package dev.tiergate.cache.semantic.embedding;

/**
 * Keeps DJL off the network. Without these, DJL makes HTTP calls when its engine starts (usage
 * tracking) and may try to download native libraries or models. Call {@link #enforce()} before any
 * DJL class is used; {@link OnnxSentenceEmbedder} does.
 */
public final class DjlOffline {
    /** DJL's offline switch: no model or library downloads. */
    public static final String OFFLINE_PROPERTY = "ai.djl.offline";
    /** DJL's usage tracking opt-out, read from the environment or a system property. */
    public static final String OPT_OUT_TRACKING_PROPERTY = "OPT_OUT_TRACKING";

    private DjlOffline() {
    }

    /** Sets both system properties to {@code true}; idempotent. */
    public static void enforce() {
        System.setProperty(OFFLINE_PROPERTY, "true");
        System.setProperty(OPT_OUT_TRACKING_PROPERTY, "true");
    }

    /** Whether both switches are on. */
    public static boolean enforced() {
        return Boolean.parseBoolean(System.getProperty(OFFLINE_PROPERTY))
                && Boolean.parseBoolean(System.getProperty(OPT_OUT_TRACKING_PROPERTY));
    }
}
