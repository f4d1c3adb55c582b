package dev.tiergate.cache.internal;

import dev.tiergate.core.model.ChatRequest;

/** Whether a request samples, which the caches skip unless a team caches such requests. Not API. */
public final class Sampling {
    private Sampling() {
    }

    /** Temperature above 0 (OpenAI's default is 1) and no seed. */
    public static boolean samples(ChatRequest request) {
        boolean randomTemperature = request.temperature() == null || request.temperature() > 0;
        return randomTemperature && request.seed() == null;
    }
}
