package dev.tiergate.providers.anthropic;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads {@code fixtures/anthropic/<name>} from the test classpath. */
final class AnthropicFixtures {
    private AnthropicFixtures() {
    }

    static String read(String name) {
        try (InputStream in = AnthropicFixtures.class.getResourceAsStream("/fixtures/anthropic/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture fixtures/anthropic/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
