package dev.tiergate.server.responses;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Ids of responses and their items: a prefix ({@code resp}, {@code msg}, {@code fc}, {@code fco})
 * and 24 random bytes in hex. Random from a secure source: a stored response is found by its id.
 */
public final class ResponseIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ResponseIds() {
    }

    public static String next(String prefix) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return prefix + "_" + HexFormat.of().formatHex(bytes);
    }
}
