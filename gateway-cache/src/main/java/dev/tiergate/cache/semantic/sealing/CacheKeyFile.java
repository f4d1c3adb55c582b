package dev.tiergate.cache.semantic.sealing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generated key (the semantic cache's; stored responses' too), kept in a file when no key is configured: read when the file
 * exists, else a random AES-256 key is written to it (base64, one line, created {@code 0600} on
 * POSIX file systems), so the key survives restarts and replicas share it exactly when they share
 * the file. Creation is atomic: the key is written to a private temporary file that is then linked
 * to the final name, so two processes starting at once agree on one key.
 */
public final class CacheKeyFile {
    /** The file name beside the usage data. */
    public static final String FILE_NAME = "tiergate-semantic-cache.key";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private CacheKeyFile() {
    }

    /** The key in {@code file}, created with a fresh random key when absent. */
    public static SecretKey loadOrCreate(Path file) {
        requireNonNull(file, "file");
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            return read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("key file " + file.toAbsolutePath() + ": " + e.getMessage(),
                    e);
        }
    }

    private static void create(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = posix() ? Files.createTempFile(dir, ".tiergate-key", ".tmp", ownerOnly())
                : Files.createTempFile(dir, ".tiergate-key", ".tmp");
        try {
            String encoded = Base64.getEncoder().encodeToString(CacheKeys.randomKey().getEncoded());
            Files.writeString(temp, encoded + "\n", StandardCharsets.US_ASCII);
            try {
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException e) {
                // Another process made it first: use theirs.
            } catch (UnsupportedOperationException e) {
                Files.move(temp, file);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static SecretKey read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IOException("not base64 (expected: one line, base64 of a 16, 24 or 32 byte AES key)");
        }
        if (raw.length != 16 && raw.length != 24 && raw.length != 32) {
            throw new IOException(raw.length + " bytes (expected: base64 of a 16, 24 or 32 byte AES key)");
        }
        return new SecretKeySpec(raw, "AES");
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<Set<PosixFilePermission>> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    }
}
