package dev.tiergate.server.admin;

import java.util.Collection;

/** A key store whose reads come from its in-memory {@link KeyIndex}; subclasses keep it in step with where they write. */
abstract class IndexedKeyStore implements VirtualKeyStore {
    final KeyIndex index = new KeyIndex();

    @Override
    public final Found byHash(String sha256) {
        return index.byHash(sha256);
    }

    @Override
    public final Collection<VirtualKey> all() {
        return index.all();
    }

    @Override
    public final VirtualKey byId(String id) {
        return index.byId(id);
    }
}
