package dev.tiergate.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Virtual keys in {@value #FILE_NAME} in the config folder (mode 0600): read at start-up, rewritten
 * atomically on every change. One gateway per folder; replicas keep their keys in Redis.
 */
public final class FileVirtualKeyStore extends IndexedKeyStore {
    public static final String FILE_NAME = "virtual-keys.json";

    private final Path file;

    private FileVirtualKeyStore(Path file) {
        this.file = file;
    }

    /** The store of {@code directory}'s key file, read now (none yet: empty). */
    public static FileVirtualKeyStore open(Path directory) {
        FileVirtualKeyStore store = new FileVirtualKeyStore(directory.resolve(FILE_NAME));
        store.index.replaceAll(store.read());
        return store;
    }

    private List<VirtualKey> read() {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            JsonNode root = Json.mapper().readTree(file.toFile());
            List<VirtualKey> keys = new ArrayList<>();
            for (JsonNode node : root.path("keys")) {
                keys.add(VirtualKey.fromJson(node));
            }
            return keys;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the virtual keys in " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void save(VirtualKey key) {
        List<VirtualKey> next = new ArrayList<>(index.all());
        next.removeIf(k -> k.id().equals(key.id()));
        next.add(key);
        write(next);
        index.put(key);
    }

    @Override
    public synchronized boolean delete(String id) {
        if (index.byId(id) == null) {
            return false;
        }
        List<VirtualKey> next = new ArrayList<>(index.all());
        next.removeIf(k -> k.id().equals(id));
        write(next);
        return index.remove(id);
    }

    private void write(List<VirtualKey> keys) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode array = root.putArray("keys");
        keys.stream().sorted(Comparator.comparing(VirtualKey::id)).forEach(k -> array.add(k.toJson()));
        try {
            AtomicFiles.write(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the virtual keys to " + file, e);
        }
    }

    @Override
    public String description() {
        return "file " + file;
    }
}
