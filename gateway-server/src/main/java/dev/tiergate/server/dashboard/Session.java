package dev.tiergate.server.dashboard;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A dashboard login: the id of the admin key it was made with and when it ends. */
public record Session(String admin, Instant expiresAt) {
    public Session {
        requireNonNull(admin, "admin");
        requireNonNull(expiresAt, "expiresAt");
    }
}
