package dev.tiergate.server.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tiergate.core.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so the image is checked statically: pinned bases, a non-root user,
 * the server's default port and paths, the jar the build really produces, every module copied.
 */
class DockerfileTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String CONFIG_DIR = "/etc/tiergate";

    private final List<Instruction> instructions = parse(read("docker/Dockerfile"));

    @Test
    void everyBaseImageIsPinnedToAVersionTag() {
        List<String> bases = args("FROM");
        assertThat(bases).hasSize(2);
        for (String base : bases) {
            String image = base.split("\\s+")[0];
            assertThat(image).as(base).contains(":").doesNotEndWith(":latest");
            assertThat(image.substring(image.indexOf(':') + 1)).as(base).matches(".*\\d+\\.\\d+.*");
        }
    }

    @Test
    void theRuntimeStageRunsAsANonRootUser() {
        List<Instruction> runtime = runtimeStage();
        List<String> users = runtime.stream().filter(i -> i.keyword().equals("USER")).map(Instruction::args).toList();
        assertThat(users).isNotEmpty();
        String user = users.getLast().split(":")[0];
        assertThat(user).isNotIn("root", "0");
        int userIndex = runtime.indexOf(runtime.stream().filter(i -> i.keyword().equals("USER")).toList().getLast());
        int entrypointIndex = runtime.indexOf(runtime.stream().filter(i -> i.keyword().equals("ENTRYPOINT"))
                .findFirst().orElseThrow());
        assertThat(userIndex).isLessThan(entrypointIndex);
    }

    @Test
    void portAndHealthCheckMatchTheServer() {
        int port = ServerConfig.defaults().port();
        // only the API port: EXPOSE of the management port would let `docker run -P` publish /metrics and /admin
        assertThat(args("EXPOSE")).containsExactly(String.valueOf(port));
        String health = args("HEALTHCHECK").getFirst();
        assertThat(health).contains("/dev/tcp/127.0.0.1/" + port).contains("GET /healthz ");
        assertThat(args("CMD").getFirst()).contains("\"--port\", \"" + port + "\"");
    }

    @Test
    void aProcessOutOfHeapExitsSoThatItIsRestarted() {
        assertThat(args("ENV")).anySatisfy(env -> assertThat(env).contains("JAVA_TOOL_OPTIONS")
                .contains("-XX:+ExitOnOutOfMemoryError"));
    }

    @Test
    void theImageRunsTheJarTheBuildProducesWithTheMountedConfig() throws IOException {
        String pom = Files.readString(ROOT.resolve("gateway-server/pom.xml"));
        Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
        assertThat(finalName.find()).isTrue();
        String builtJar = "gateway-server/target/" + finalName.group(1) + ".jar";
        assertThat(String.join("\n", args("RUN"))).contains("cp " + builtJar + " /tiergate.jar");

        String copied = runtimeStage().stream()
                .filter(i -> i.keyword().equals("COPY") && i.args().startsWith("--from=build"))
                .map(Instruction::args).findFirst().orElseThrow();
        String imageJar = copied.split("\\s+")[2];
        assertThat(copied.split("\\s+")[1]).isEqualTo("/tiergate.jar");
        assertThat(args("ENTRYPOINT").getFirst()).contains("\"-jar\", \"" + imageJar + "\"");
        assertThat(args("CMD").getFirst()).contains("\"--config\", \"" + CONFIG_DIR + "\"");
        assertThat(args("COPY")).contains("config/ " + CONFIG_DIR + "/");
        assertThat(ROOT.resolve("config/gateway.yaml")).exists();
    }

    @Test
    void everyReactorModuleIsCopiedAndNothingCopiedIsIgnored() throws IOException {
        String rootPom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(rootPom);
        List<String> copies = args("COPY");
        List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        int modules = 0;
        while (module.find()) {
            modules++;
            String name = module.group(1);
            assertThat(copies).as("module " + name).contains(name + "/pom.xml " + name + "/", name + "/src " + name + "/src");
        }
        assertThat(modules).isGreaterThanOrEqualTo(5);
        for (String copy : copies) {
            if (copy.startsWith("--from")) {
                continue;
            }
            String[] parts = copy.split("\\s+");
            for (int i = 0; i < parts.length - 1; i++) {
                String source = parts[i];
                assertThat(ROOT.resolve(source)).as("COPY source " + source).exists();
                assertThat(ignored).as("COPY source " + source + " is not excluded by .dockerignore")
                        .noneMatch(pattern -> source.equals(pattern) || source.startsWith(pattern.replace("**/", "")));
            }
        }
        assertThat(ignored).contains("**/target/");
    }

    @Test
    void composeRunsTiergateWithRedisWiredByEnvironment() throws IOException {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(read("docker/docker-compose.yml"));
        JsonNode tiergate = compose.path("services").path("tiergate");
        JsonNode redis = compose.path("services").path("redis");
        assertThat(tiergate.path("build").path("dockerfile").asText()).isEqualTo("docker/Dockerfile");
        assertThat(tiergate.path("environment").path("REDIS_URL").asText()).isEqualTo("redis://redis:6379");
        assertThat(tiergate.path("ports").get(0).asText()).isEqualTo(ServerConfig.defaults().port() + ":"
                + ServerConfig.defaults().port());
        int management = ServerConfig.DEFAULT_MANAGEMENT_PORT;
        assertThat(tiergate.path("ports").get(1).asText()).as("the management port is published on the host's loopback only")
                .isEqualTo("127.0.0.1:" + management + ":" + management);
        assertThat(tiergate.path("volumes").get(0).asText()).endsWith(":" + CONFIG_DIR + ":ro");
        assertThat(redis.path("image").asText()).matches("redis:\\d+\\.\\d+.*");
        assertThat(redis.path("volumes").get(0).asText()).startsWith("redis-data:");
        assertThat(compose.path("volumes").has("redis-data")).isTrue();
    }

    private List<Instruction> runtimeStage() {
        int lastFrom = 0;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).keyword().equals("FROM")) {
                lastFrom = i;
            }
        }
        return instructions.subList(lastFrom, instructions.size());
    }

    private List<String> args(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
    }

    private static String read(String path) {
        try {
            return Files.readString(ROOT.resolve(path));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    /** Dockerfile instructions, continuation lines joined, comments dropped. */
    private static List<Instruction> parse(String dockerfile) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String text = current.toString().strip();
            current.setLength(0);
            int space = text.indexOf(' ');
            out.add(new Instruction(text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
        }
        return out;
    }

    private record Instruction(String keyword, String args) {
    }
}
