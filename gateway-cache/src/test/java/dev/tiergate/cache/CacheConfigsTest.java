package dev.tiergate.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.cache.semantic.sealing.CacheKeyFile;
import dev.tiergate.core.config.AccountingConfig;
import dev.tiergate.core.config.ExactCacheConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.SemanticCacheConfig;
import dev.tiergate.core.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheConfigsTest {
    @TempDir
    Path dir;

    @Test
    void withoutAKeyTheGeneratedOneLivesBesideTheUsageFileAndSurvivesARestart() throws Exception {
        GatewayConfig config = config(null, "");
        SecretKey first = CacheConfigs.semanticCacheKey(config);

        Path file = dir.resolve("usage").resolve(CacheKeyFile.FILE_NAME);
        assertThat(CacheConfigs.semanticKeyFile(config)).isEqualTo(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(CacheConfigs.semanticCacheKey(config(null, "")).getEncoded()).isEqualTo(first.getEncoded());
        assertThat(CacheConfigs.semanticCacheSettings(config).cacheKey().getEncoded()).isEqualTo(first.getEncoded());
    }

    @Test
    void aConfiguredKeyWinsAndAKeyFileCanBeNamed() {
        byte[] raw = new byte[32];
        raw[5] = 9;
        GatewayConfig configured = config(Base64.getEncoder().encodeToString(raw), "");
        assertThat(CacheConfigs.semanticCacheKey(configured).getEncoded()).isEqualTo(raw);
        assertThat(Files.exists(dir.resolve("usage").resolve(CacheKeyFile.FILE_NAME))).isFalse();

        Path named = dir.resolve("keys").resolve("cache.key");
        CacheConfigs.semanticCacheKey(config(null, named.toString()));
        assertThat(named).exists();
    }

    private GatewayConfig config(String key, String keyFile) {
        SemanticCacheConfig semantic = new SemanticCacheConfig(true, SemanticCacheConfig.DEFAULT_MODEL, 0.7,
                Duration.ofHours(1), 64, "", true, 0.97, key, keyFile,
                dev.tiergate.core.config.OnlineVerificationConfig.defaults(), SemanticCacheConfig.DEFAULT_LOOKUP_TIMEOUT,
                true);
        AccountingConfig accounting = AccountingConfig.defaults()
                .withUsageFile(dir.resolve("usage").resolve("tiergate-usage.jsonl").toString());
        return new GatewayConfig(ServerConfig.defaults(), Map.of(), Map.of(), Map.of(), Map.of(),
                ExactCacheConfig.disabled(), semantic, null, null, accounting);
    }
}
