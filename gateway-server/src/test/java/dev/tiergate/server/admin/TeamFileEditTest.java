package dev.tiergate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A switch written into a team file changes only its own lines: the file's comments stay. */
class TeamFileEditTest {
    private static final String FILE = """
            # team-a: the search team
            id: team-a
            keys:
              - id: key-a   # the CI key
                sha256: ${KEY_SHA}
            # the team's model when it names none
            default-model: gpt-4o-mini
            aliases:
              # cheap first, escalates to the frontier
              auto:
                tiers:
                  small: [gpt-4o-mini]   # most traffic
                  frontier: [gpt-4o]
              # for the batch jobs
              batch:
                tiers: {small: [gpt-4o-mini]}
            # limits come last
            limits: {requests-per-minute: 600}
            """;

    @Test
    void settingAnAliasReplacesOnlyItsEntry() {
        String edited = TeamFileEdit.apply(FILE, RoutingEdit.alias("auto",
                Map.of("small", List.of("demo-mid")), "small"));
        assertThat(edited).contains("# team-a: the search team", "- id: key-a   # the CI key",
                "# the team's model when it names none", "# cheap first, escalates to the frontier",
                "# for the batch jobs", "tiers: {small: [gpt-4o-mini]}", "# limits come last", "sha256: ${KEY_SHA}")
                .doesNotContain("# most traffic").contains("- demo-mid").contains("default-tier: small");
        assertThat(TeamYamlText.parse(edited).at("/aliases/auto/tiers/small/0").asText()).isEqualTo("demo-mid");
        assertThat(TeamYamlText.parse(edited).at("/aliases/batch/tiers/small/0").asText()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void aNewAliasIsAddedAtTheEndOfTheBlockAndARemovedOneTakesItsLinesAlong() {
        String added = TeamFileEdit.apply(FILE, RoutingEdit.alias("nightly", Map.of("small", List.of("m")), null));
        assertThat(TeamYamlText.parse(added).at("/aliases").size()).isEqualTo(3);
        assertThat(added.indexOf("nightly:")).isBetween(added.indexOf("batch:"), added.indexOf("# limits come last"));
        assertThat(added).contains("# for the batch jobs", "# limits come last", "# most traffic");

        String removed = TeamFileEdit.apply(FILE, RoutingEdit.removeAlias("auto"));
        assertThat(removed).doesNotContain("auto:").doesNotContain("# most traffic")
                .contains("# for the batch jobs", "# limits come last", "# the CI key");
        assertThat(TeamYamlText.parse(removed).at("/aliases").size()).isEqualTo(1);
    }

    @Test
    void theDefaultModelLineIsReplacedOrAdded() {
        String edited = TeamFileEdit.apply(FILE, RoutingEdit.defaultModel("auto"));
        assertThat(edited).isEqualTo(FILE.replace("default-model: gpt-4o-mini", "default-model: auto"));
        String without = FILE.replace("default-model: gpt-4o-mini\n", "");
        assertThat(TeamFileEdit.apply(without, RoutingEdit.defaultModel("auto")))
                .isEqualTo(without + "default-model: auto\n");
    }

    @Test
    void aLayoutItDoesNotEditInPlaceIsWrittenAgainFromItsParsedForm() {
        String flow = "# flow style\nid: team-a\naliases: {auto: {tiers: {small: [a]}}}  # inline\n";
        String edited = TeamFileEdit.apply(flow, RoutingEdit.alias("auto", Map.of("small", List.of("b")), null));
        assertThat(edited).startsWith("# flow style\n").doesNotContain("# inline");
        assertThat(TeamYamlText.parse(edited).at("/aliases/auto/tiers/small/0").asText()).isEqualTo("b");
        assertThat(TeamFileEdit.apply("- not a mapping\n", RoutingEdit.defaultModel("m"))).isNull();
    }
}
