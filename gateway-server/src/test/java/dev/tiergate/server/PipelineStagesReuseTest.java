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

/** A reload's stages take over the exact cache (and its entries) unless its settings changed. */
class PipelineStagesReuseTest {
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
        try (PipelineStages before = PipelineStages.build(first, new ModelCatalog(first), TOKENS)) {
            GatewayConfig same = config("max-size-mb: 8", "default-model: demo-frontier\n");
            PipelineStages kept = PipelineStages.build(same, new ModelCatalog(same), TOKENS, before);
            assertThat(kept.stages().getFirst()).isSameAs(before.stages().getFirst());

            GatewayConfig resized = config("max-size-mb: 16", "");
            try (PipelineStages rebuilt = PipelineStages.build(resized, new ModelCatalog(resized), TOKENS, kept)) {
                assertThat(rebuilt.stages().getFirst()).isNotSameAs(kept.stages().getFirst());
            }
            kept.close();
        }
    }
}
