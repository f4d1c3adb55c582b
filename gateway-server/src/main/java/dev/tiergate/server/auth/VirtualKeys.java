package dev.tiergate.server.auth;

import dev.tiergate.core.accounting.Limits;
import java.time.Instant;

/** Keys made at run time (the admin API), looked up by the SHA-256 (hex) of the presented secret. */
public interface VirtualKeys {
    /** None. */
    VirtualKeys NONE = sha256 -> null;

    /** The key whose secret hashes to {@code sha256}, or null. */
    Found byHash(String sha256);

    /** What authentication needs of a key: its id, team, expiry (null: never) and own limits. */
    record Found(String id, String team, Instant expiresAt, Limits limits) {
    }
}
