package dev.tiergate.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.provider.ModelCatalog;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import dev.tiergate.server.config.ConfigLoader;
import dev.tiergate.server.config.ConfigSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A reload's stage parts take over the exact cache (and its entries) unless its settings changed. */
class StagePartsReuseTest {
    private static final TokenCounter TOKENS = JtokkitTokenCounter.o200k();
    private static GatewayConfig config(String exactCache, String teamExtra) {
        String gateway = """
                providers: {sim: {type: demo}}
                models: {demo-frontier: {provider: sim}}
                cache: {exact: {%s}}
                """.formatted(exactCache);
        String team = "id: team-a\nkeys:\n  - id: key-a\n    sha256: " + "a".repeat(64) + "\n" + teamExtra;
        return new ConfigLoader(name -> null).load(new ConfigSource("test", gateway, Map.of("teams/team-a.yaml", team)));
    }

    @Test
    void theExactCacheIsCarriedOverUntilItsSettingsChange() {
        GatewayConfig first = config("max-size-mb: 8", "");
        try (StageParts before = StageParts.build(first, new ModelCatalog(first), TOKENS, null)) {
            GatewayConfig same = config("max-size-mb: 8", "default-model: demo-frontier\n");
            StageParts kept = StageParts.build(same, new ModelCatalog(same), TOKENS, before);
            assertThat(kept.exactCache()).isNotNull().isSameAs(before.exactCache());
            assertThat(kept.embeddingCache().cache()).isSameAs(before.embeddingCache().cache());

            GatewayConfig resized = config("max-size-mb: 16", "");
            try (StageParts rebuilt = StageParts.build(resized, new ModelCatalog(resized), TOKENS, kept)) {
                assertThat(rebuilt.exactCache()).isNotSameAs(kept.exactCache());
            }
            kept.close();
        }
    }
}
