package dev.tiergate.core.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.Pricing;
import dev.tiergate.core.config.ServerConfig;
import dev.tiergate.core.config.TeamConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which names a team may use, as metrics and routing see them. */
class ModelCatalogTest {
    private static final ModelCatalog CATALOG = new ModelCatalog(new GatewayConfig(ServerConfig.defaults(), Map.of(),
            Map.of("small", new ModelConfig("small", "p", "small", ModelConfig.CHAT, Pricing.FREE),
                    "big", new ModelConfig("big", "p", "big", ModelConfig.CHAT, Pricing.FREE)),
            Map.of("auto", new AliasConfig("auto", Map.of("s", List.of("small")), "s")), Map.of()));

    @Test
    void aTeamKnowsTheModelsAndAliasesItMayName() {
        TeamConfig all = new TeamConfig("all", List.of(), Set.of("*"), null, Map.of());
        TeamConfig narrow = new TeamConfig("narrow", List.of(), Set.of("small"), null, Map.of());
        assertThat(CATALOG.knows(all, "small")).isTrue();
        assertThat(CATALOG.knows(all, "auto")).isTrue();
        assertThat(CATALOG.knows(all, "gpt-9")).isFalse();
        assertThat(CATALOG.knows(all, null)).isFalse();
        assertThat(CATALOG.knows(narrow, "small")).isTrue();
        assertThat(CATALOG.knows(narrow, "big")).as("configured, but not for this team").isFalse();
        assertThat(CATALOG.knows(narrow, "auto")).isFalse();
    }

    @Test
    void aPatternAliasStandsForTheNamesItMatchesThatAreNotModelsOrAliases() {
        AliasConfig sonnet = new AliasConfig("claude-sonnet-*", Map.of("s", List.of("small")), "s");
        AliasConfig anyClaude = new AliasConfig("claude-*", Map.of("b", List.of("big")), "b");
        TeamConfig team = new TeamConfig("t", List.of(), Set.of("small", "claude-*", "claude-sonnet-*"), null,
                Map.of(sonnet.name(), sonnet, anyClaude.name(), anyClaude));
        TeamConfig other = new TeamConfig("o", List.of(), Set.of("small"), null,
                Map.of(sonnet.name(), sonnet));

        assertThat(CATALOG.alias(team, "claude-sonnet-4-5-20250929")).as("the longer pattern").isEqualTo(sonnet);
        assertThat(CATALOG.alias(team, "claude-haiku-4-5")).isEqualTo(anyClaude);
        assertThat(CATALOG.alias(team, "small")).as("a model's own name").isNull();
        assertThat(CATALOG.alias(team, "gpt-4o")).isNull();
        assertThat(CATALOG.resolveChat(team, "claude-sonnet-4-5-20250929", null).candidates())
                .extracting(c -> c.model().name()).containsExactly("small");
        assertThat(CATALOG.knows(team, "claude-haiku-4-5")).isTrue();
        assertThat(CATALOG.knows(other, "claude-sonnet-4-5")).as("the pattern is not allowed to it").isFalse();
        assertThat(CATALOG.visibleModels(team)).extracting(m -> m.id()).doesNotContain("claude-*", "claude-sonnet-*");
        assertThat(AliasConfig.nameMatches("a*b*c", "aXbYc")).isTrue();
        assertThat(AliasConfig.nameMatches("a*b*c", "abc")).isTrue();
        assertThat(AliasConfig.nameMatches("a*bc", "abc-d")).isFalse();
        assertThat(AliasConfig.nameMatches("ab*ba", "aba")).isFalse();
    }
}
