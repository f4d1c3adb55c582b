package dev.tiergate.providers.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The providers' recorded wire formats, {@code src/test/resources/fixtures/<provider>/<name>}. */
public final class Fixtures {
    private Fixtures() {
    }

    public static String read(String provider, String name) {
        String path = "/fixtures/" + provider + "/" + name;
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path.substring(1));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ids {@code id1}, {@code id2}, ... so generated ids are predictable. */
    public static Supplier<String> sequentialIds() {
        AtomicInteger n = new AtomicInteger();
        return () -> "id" + n.incrementAndGet();
    }
}
