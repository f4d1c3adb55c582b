package dev.tiergate.server.admin;

import dev.tiergate.server.auth.VirtualKeys;
import java.util.Collection;

/**
 * Where the virtual keys made through the admin API live: a file in the config folder, or Redis
 * (shared by replicas). Reads ({@link #byHash}, {@link #all}) come from memory and are cheap enough
 * for every request; writes are blocking and run on the admin thread.
 */
public interface VirtualKeyStore extends VirtualKeys, AutoCloseable {
    /** Every key, in no particular order. */
    Collection<VirtualKey> all();

    /** The key with this id, or null. */
    VirtualKey byId(String id);

    /** Stores {@code key}, replacing the one with its id; every replica's next request sees it. */
    void save(VirtualKey key);

    /** Removes the key with this id; whether there was one. */
    boolean delete(String id);

    /** Where the keys are, for logs and the admin API's answers. */
    String description();

    @Override
    default void close() {
    }
}
