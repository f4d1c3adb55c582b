package dev.tiergate.server.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The raw config files: {@code gateway.yaml} and one YAML per team under {@code teams/}, read
 * from a folder or from the default config bundled in the jar.
 */
public record ConfigSource(String origin, String gatewayYaml, Map<String, String> teamFiles) {
    static final String GATEWAY_FILE = "gateway.yaml";
    private static final String BUNDLED_ROOT = "/tiergate-default/";
    private static final List<String> BUNDLED_TEAMS = List.of("demo.yaml");

    public ConfigSource {
        teamFiles = Map.copyOf(teamFiles);
    }

    public static ConfigSource fromDirectory(Path dir) {
        Path gateway = dir.resolve(GATEWAY_FILE);
        if (!Files.isRegularFile(gateway)) {
            throw new ConfigException(List.of(gateway + ": missing (expected: gateway.yaml in the config folder)"));
        }
        Map<String, String> teams = new LinkedHashMap<>();
        Path teamsDir = dir.resolve("teams");
        try {
            if (Files.isDirectory(teamsDir)) {
                try (Stream<Path> files = Files.list(teamsDir)) {
                    for (Path f : files.sorted().toList()) {
                        String name = f.getFileName().toString();
                        if (Files.isRegularFile(f) && (name.endsWith(".yaml") || name.endsWith(".yml"))) {
                            teams.put("teams/" + name, Files.readString(f));
                        }
                    }
                }
            }
            return new ConfigSource(dir.toString(), Files.readString(gateway), teams);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config folder " + dir, e);
        }
    }

    /** The default config inside the jar: demo team, demo provider, OpenAI when a key is set. */
    public static ConfigSource bundled() {
        Map<String, String> teams = new LinkedHashMap<>();
        for (String team : BUNDLED_TEAMS) {
            teams.put("teams/" + team, resource("teams/" + team));
        }
        return new ConfigSource("bundled default config", resource(GATEWAY_FILE), teams);
    }

    private static String resource(String name) {
        try (InputStream in = ConfigSource.class.getResourceAsStream(BUNDLED_ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("bundled config resource missing: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
