package dev.tiergate.server.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The usage file tells who spent what: a new one is readable by its owner only. */
class UsageFilePermissionsTest {

    @Test
    void aNewUsageFileIsCreatedWith0600(@TempDir Path dir) throws Exception {
        assumeThat(dir.getFileSystem().supportedFileAttributeViews()).as("a POSIX file system").contains("posix");
        Path file = dir.resolve("ledger/usage.jsonl");
        FileUsageStore.builder(file).open().close();
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void anExistingFileKeepsItsPermissions(@TempDir Path dir) throws Exception {
        assumeThat(dir.getFileSystem().supportedFileAttributeViews()).as("a POSIX file system").contains("posix");
        Path file = Files.createFile(dir.resolve("usage.jsonl"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        FileUsageStore.builder(file).open().close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
    }
}
