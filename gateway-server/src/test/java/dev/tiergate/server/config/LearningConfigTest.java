package dev.tiergate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.router.RouterConfigs;
import dev.tiergate.router.learning.LearningSettings;
import dev.tiergate.router.learning.TeamLearning;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code router.learning} in gateway.yaml and team files, and the learning settings made of it. */
class LearningConfigTest {
    private static final String TEAM = "id: t1\nkeys: [{id: k, sha256: " + "a".repeat(64) + "}]\n";
    private static final String GATEWAY = """
            providers:
              up: {type: openai, base-url: "http://x/v1"}
            models:
              m1: {provider: up}
            router:
              enabled: true
              quality-target: 0.9
              learning:
                explore-rate: 0.1
                cost-weight: 0.3
                decision-ttl-seconds: 600
                max-decisions-per-team: 5000
                signals: {regeneration-seconds: 30, client-left: false}
            """;

    private static GatewayConfig load(String gateway, String team) {
        return new ConfigLoader(Map.<String, String>of()::get)
                .load(new ConfigSource("test", gateway, Map.of("teams/t1.yaml", team)));
    }

    @Test
    void gatewayValuesApplyToEveryTeamAndATeamOverridesItsOwn() {
        GatewayConfig config = load(GATEWAY, TEAM + "router:\n  learning: {cost-weight: 1.5, log-comments: true,"
                + " signals: {truncated: false}}\n");
        LearningSettings settings = RouterConfigs.learningSettings(config);
        assertThat(settings.decisionTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.maxDecisionsPerTeam()).isEqualTo(5000);
        TeamLearning base = settings.forTeam("other");
        assertThat(base.exploreRate()).isEqualTo(0.1);
        assertThat(base.costWeight()).isEqualTo(0.3);
        assertThat(base.qualityTarget()).isEqualTo(0.9);
        assertThat(base.logComments()).isFalse();
        assertThat(base.signals().regenerationWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(base.signals().clientLeft()).isFalse();
        assertThat(base.signals().truncated()).isTrue();
        TeamLearning team = settings.forTeam("t1");
        assertThat(team.exploreRate()).isEqualTo(0.1);
        assertThat(team.costWeight()).isEqualTo(1.5);
        assertThat(team.logComments()).isTrue();
        assertThat(team.signals().truncated()).isFalse();
        assertThat(team.signals().clientLeft()).isFalse();
    }

    @Test
    void withoutLearningKeysEveryTeamLearnsWithTheDefaults() {
        LearningSettings settings = RouterConfigs.learningSettings(load(GATEWAY.substring(0,
                GATEWAY.indexOf("  learning:")), TEAM));
        assertThat(settings.forTeam("t1")).isEqualTo(TeamLearning.defaults().withQualityTarget(0.9));
        assertThat(settings.decisionTtl()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void outOfRangeAndUnknownKeysAreProblems() {
        assertThatThrownBy(() -> load(GATEWAY.replace("explore-rate: 0.1", "explore-rate: 0.7"), TEAM))
                .hasMessageContaining("router.learning.explore-rate");
        assertThatThrownBy(() -> load(GATEWAY.replace("cost-weight: 0.3", "cost-wieght: 0.3"), TEAM))
                .hasMessageContaining("router.learning.cost-wieght");
        assertThatThrownBy(() -> load(GATEWAY.replace("client-left: false", "client-left: false, typo: 1"), TEAM))
                .hasMessageContaining("router.learning.signals.typo");
    }
}
