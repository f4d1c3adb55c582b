package dev.tiergate.router.classifier;

/**
 * DJL calls home (engine start, usage tracking) unless told not to. Set before any DJL class
 * loads an engine; a gateway never makes those calls.
 */
public final class DjlOffline {
    private DjlOffline() {
    }

    public static void enforce() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }
}
