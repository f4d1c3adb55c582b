package dev.tiergate.server.admin;

import dev.tiergate.server.auth.VirtualKeys;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The virtual keys in memory, by id and by hash; what a store reads on every request. */
final class KeyIndex {
    private final Map<String, VirtualKey> byId = new ConcurrentHashMap<>();
    private final Map<String, VirtualKeys.Found> byHash = new ConcurrentHashMap<>();

    synchronized void put(VirtualKey key) {
        VirtualKey old = byId.put(key.id(), key);
        if (old != null) {
            byHash.remove(old.sha256());
        }
        byHash.put(key.sha256(), new VirtualKeys.Found(key.id(), key.team(), key.expiresAt(), key.limits()));
    }

    synchronized boolean remove(String id) {
        VirtualKey old = byId.remove(id);
        if (old != null) {
            byHash.remove(old.sha256());
        }
        return old != null;
    }

    /** Replaces every key with {@code keys}. */
    synchronized void replaceAll(Collection<VirtualKey> keys) {
        byId.clear();
        byHash.clear();
        keys.forEach(this::put);
    }

    VirtualKeys.Found byHash(String sha256) {
        return byHash.get(sha256);
    }

    VirtualKey byId(String id) {
        return byId.get(id);
    }

    List<VirtualKey> all() {
        return List.copyOf(byId.values());
    }
}
