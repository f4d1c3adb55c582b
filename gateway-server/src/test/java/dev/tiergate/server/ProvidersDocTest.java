package dev.tiergate.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.server.config.ConfigLoader;
import dev.tiergate.server.config.ConfigSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code yaml} block of docs/providers.md is a complete gateway.yaml that the config loader
 * accepts, and {@code --check-config} too, with the environment it names set; and the blocks say
 * what the text around them says.
 */
class ProvidersDocTest {
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL);
    private static final String TEAM = "id: t\nkeys: [{id: k, sha256: " + "a".repeat(64) + "}]\nallowed-models: [\"*\"]\n";
    /** Keys are set; every other variable falls back to its default. */
    private static final Function<String, String> ENV = name -> name.endsWith("_KEY") ? "test-" + name : null;

    private static List<String> blocks() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "providers.md"));
        List<String> blocks = new ArrayList<>();
        Matcher m = YAML_BLOCK.matcher(doc);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    private static GatewayConfig load(String yaml) {
        return new ConfigLoader(ENV).load(new ConfigSource("docs/providers.md", yaml, Map.of("teams/t.yaml", TEAM)));
    }

    @Test
    void everyExampleIsAValidGatewayYaml(@TempDir Path dir) throws IOException {
        List<String> blocks = blocks();
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(8);
        Files.createDirectories(dir.resolve("teams"));
        Files.writeString(dir.resolve("teams/t.yaml"), TEAM);
        for (String yaml : blocks) {
            GatewayConfig config = load(yaml);
            assertThat(config.models()).as(yaml).isNotEmpty();

            Files.writeString(dir.resolve("gateway.yaml"), yaml);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Main.checkConfig(Main.CommandLine.parse(new String[] {"--config", dir.toString(), "--check-config"}),
                    new ConfigLoader(ENV), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(status).as(yaml + err.toString(StandardCharsets.UTF_8)).isZero();
        }
    }

    @Test
    void theExamplesConfigureWhatTheTextSays() throws IOException {
        List<String> blocks = blocks();
        GatewayConfig azure = load(blocks.get(1));
        assertThat(azure.providers().get("azure").headers()).containsEntry("api-key", "test-AZURE_OPENAI_API_KEY");
        assertThat(azure.providers().get("azure").apiKey()).isNullOrEmpty();
        assertThat(azure.models().get("gpt-4o").upstreamModel()).isEqualTo("my-gpt-4o-deployment");
        GatewayConfig perDeployment = load(blocks.get(2));
        assertThat(perDeployment.providers().get("azure-eu").baseUrl().getQuery()).isEqualTo("api-version=2024-10-21");
        GatewayConfig selfHosted = load(blocks.get(3));
        assertThat(selfHosted.models().get("llama-local").upstreamModel()).isEqualTo("llama3.1:8b");
        assertThat(selfHosted.models().get("llama-70b").upstreamModel()).isEqualTo("meta-llama/Llama-3.3-70B-Instruct");

        GatewayConfig weighted = blocks.stream().map(ProvidersDocTest::load)
                .filter(c -> c.models().containsKey("gpt-4o") && c.models().get("gpt-4o").deployments().size() > 1)
                .findFirst().orElseThrow();
        ModelConfig gpt4o = weighted.models().get("gpt-4o");
        assertThat(gpt4o.deployments()).extracting(d -> d.provider() + ":" + d.upstreamModel() + ":" + d.weight())
                .containsExactly("azure:my-gpt-4o-deployment:3", "openai:gpt-4o:1");

        GatewayConfig chain = blocks.stream().map(ProvidersDocTest::load)
                .filter(c -> c.models().containsKey("claude-sonnet") && !c.models().get("claude-sonnet").fallbacks().isEmpty())
                .findFirst().orElseThrow();
        assertThat(chain.models().get("claude-sonnet").fallbacks()).containsExactly("gpt-4o", "gemini-pro");
        assertThat(chain.aliases().get("auto").tiers()).containsKeys("small", "mid", "frontier");
    }

    @Test
    void anOptionalProviderWithoutItsKeyIsLeftOutOfTheFallbackChain() throws IOException {
        String chain = blocks().stream().filter(b -> b.contains("fallbacks:")).findFirst().orElseThrow();
        GatewayConfig config = new ConfigLoader(name -> name.equals("GEMINI_API_KEY") ? null
                : name.endsWith("_KEY") ? "k" : null)
                .load(new ConfigSource("docs/providers.md", chain, Map.of("teams/t.yaml", TEAM)));
        assertThat(config.models()).doesNotContainKey("gemini-pro");
        assertThat(config.models().get("claude-sonnet").fallbacks()).containsExactly("gpt-4o");
        assertThat(config.aliases().get("auto").tiers().get("small")).containsExactly("gpt-4o");
    }
}
