package dev.tiergate.cache.semantic.sealing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheKeyFileTest {
    @TempDir
    Path dir;

    @Test
    void createsARandomKeyReadableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("data").resolve(CacheKeyFile.FILE_NAME);
        SecretKey key = CacheKeyFile.loadOrCreate(file);

        assertThat(key.getEncoded()).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).isEqualTo(key.getEncoded());
        assertThat(CacheKeyFile.loadOrCreate(dir.resolve("other.key")).getEncoded())
                .as("another file, another random key").isNotEqualTo(key.getEncoded());
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left").containsExactly(file);
        }
    }

    @Test
    void aRestartReusesTheKeyAndCacheKeysAgree() {
        Path file = dir.resolve(CacheKeyFile.FILE_NAME);
        SecretKey first = CacheKeyFile.loadOrCreate(file);
        SecretKey again = CacheKeyFile.loadOrCreate(file);

        assertThat(again.getEncoded()).isEqualTo(first.getEncoded());
        CacheKeys before = CacheKeys.of(first);
        CacheKeys after = CacheKeys.of(again);
        assertThat(after.partition("team-a:ctx")).isEqualTo(before.partition("team-a:ctx"));
        assertThat(after.buckets(new int[] {1, 2, 3})).isEqualTo(before.buckets(new int[] {1, 2, 3}));
        byte[] sealed = before.seal("an answer".getBytes(StandardCharsets.UTF_8), "p:a");
        assertThat(new String(after.open(sealed, "p:a"), StandardCharsets.UTF_8)).isEqualTo("an answer");
    }

    @Test
    void processesStartingAtOnceAgreeOnOneKey() {
        Path file = dir.resolve(CacheKeyFile.FILE_NAME);
        List<CompletableFuture<SecretKey>> starts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            starts.add(CompletableFuture.supplyAsync(() -> CacheKeyFile.loadOrCreate(file)));
        }
        byte[] winner = starts.getFirst().join().getEncoded();
        starts.forEach(start -> assertThat(start.join().getEncoded()).isEqualTo(winner));
    }

    @Test
    void aDamagedFileIsAnErrorNamingIt() throws Exception {
        Path file = dir.resolve(CacheKeyFile.FILE_NAME);
        Files.writeString(file, "not a key\n");
        assertThatThrownBy(() -> CacheKeyFile.loadOrCreate(file)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not base64");
    }

    @Test
    void sealedPartsOpenOnlyWithTheirKeyAndContext() {
        CacheKeys keys = CacheKeys.of(CacheKeys.randomKey());
        byte[] sealed = keys.seal("text".getBytes(StandardCharsets.UTF_8), "p1:a");
        assertThatThrownBy(() -> keys.open(sealed, "p2:a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CacheKeys.of(CacheKeys.randomKey()).open(sealed, "p1:a"))
                .isInstanceOf(IllegalArgumentException.class);
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> keys.open(sealed, "p1:a")).isInstanceOf(IllegalArgumentException.class);
    }
}
