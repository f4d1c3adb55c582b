package dev.tiergate.providers.gemini;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads {@code fixtures/gemini/<name>} from the test classpath. */
final class GeminiFixtures {
    private GeminiFixtures() {
    }

    static String read(String name) {
        try (InputStream in = GeminiFixtures.class.getResourceAsStream("/fixtures/gemini/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture fixtures/gemini/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ids {@code id1}, {@code id2}, ... so generated tool call ids are predictable. */
    static java.util.function.Supplier<String> sequentialIds() {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return () -> "id" + n.incrementAndGet();
    }
}
