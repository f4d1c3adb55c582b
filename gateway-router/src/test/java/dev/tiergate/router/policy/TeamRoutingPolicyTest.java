package dev.tiergate.router.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.router.classifier.ComplexityTier;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TeamRoutingPolicyTest {
    private static final AliasConfig CHEAP = new AliasConfig("cheap", Map.of("small", List.of("m")), "small");
    private static final TeamConfig TEAM = new TeamConfig("search", List.of(), Set.of("*"), "auto",
            Map.of("cheap", CHEAP));

    @Test
    void byDefaultAutoAndTheTeamsOwnAliasesAreRouted() {
        TeamRoutingPolicy policy = TeamRoutingPolicy.defaults();
        assertThat(policy.routeVia(TEAM, "auto", true)).isEqualTo("auto");
        assertThat(policy.routeVia(TEAM, "cheap", true)).isEqualTo("cheap");
        assertThat(policy.routeVia(TEAM, "gateway-alias", true)).isNull();
    }

    @Test
    void concreteModelsPassThroughUnlessTheTeamRoutesThem() {
        assertThat(TeamRoutingPolicy.defaults().routeVia(TEAM, "gpt-4o", false)).isNull();
        TeamRoutingPolicy routing = TeamRoutingPolicy.builder().routeModel("gpt-4o", "auto").build();
        assertThat(routing.routeVia(TEAM, "gpt-4o", false)).isEqualTo("auto");
        assertThat(routing.routeVia(TEAM, "gpt-4o-mini", false)).isNull();
    }

    @Test
    void explicitRoutedAliasesReplaceTheDefault() {
        TeamRoutingPolicy policy = TeamRoutingPolicy.builder().routedAliases(Set.of("gateway-alias")).build();
        assertThat(policy.routeVia(TEAM, "gateway-alias", true)).isEqualTo("gateway-alias");
        assertThat(policy.routeVia(TEAM, "auto", true)).isNull();
    }

    @Test
    void disabledRoutesNothing() {
        TeamRoutingPolicy off = TeamRoutingPolicy.builder().enabled(false).routeModel("gpt-4o", "auto").build();
        assertThat(off.routeVia(TEAM, "auto", true)).isNull();
        assertThat(off.routeVia(TEAM, "gpt-4o", false)).isNull();
    }

    @Test
    void settingsPickTheTeamsPolicyOrTheDefault() {
        TeamRoutingPolicy base = TeamRoutingPolicy.builder().thresholds(0.2, 0.5).build();
        TeamRoutingPolicy search = base.toBuilder().minimumTier(ComplexityTier.MID).build();
        RouterSettings settings = RouterSettings.builder().defaultPolicy(base).team("search", search).build();
        assertThat(settings.policyFor("search")).isEqualTo(search);
        assertThat(settings.policyFor("search").thresholds()).isEqualTo(Thresholds.of(0.2, 0.5));
        assertThat(settings.policyFor("other")).isEqualTo(base);
        assertThatThrownBy(() -> RouterSettings.builder().team("a", base).team("a", base))
                .hasMessageContaining("team 'a' has a router policy already");
    }

    @Test
    void aModelCannotBeRoutedThroughItself() {
        assertThatThrownBy(() -> TeamRoutingPolicy.builder().routeModel("auto", "auto"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("route-models.auto");
    }
}
