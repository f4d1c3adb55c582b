package dev.tiergate.server.admin;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Replaces a file's content all at once: written to a temporary file beside it, synced, then
 * moved over it with {@code ATOMIC_MOVE}, so a reader (the config watcher, another replica, a crash)
 * sees the old file or the new one, never half of one.
 */
final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes {@code content} to {@code file}; {@code secret}: readable by the owner only (0600). */
    static void write(Path file, byte[] content, boolean secret) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // A dot name that the config watcher ignores (it reloads on *.yaml and gateway.yaml only).
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            if (secret) {
                try {
                    Files.setPosixFilePermissions(temp, Set.of(PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system
                }
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically (its folder's file system has no "
                        + "atomic rename)", e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
