package dev.tiergate.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.server.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --check-config} on the shipped examples and on a broken folder. */
class CheckConfigTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void theExampleConfigInTheRepositoryIsValid() {
        int status = check("--config", Path.of("..", "config").toString());
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("is valid").contains("teams");
    }

    @Test
    void theBundledConfigIsValid() {
        assertThat(check()).isZero();
    }

    @Test
    void aBrokenFolderIsReportedWithFileLineAndFieldAndExitsNonZero(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("gateway.yaml"), """
                providers:
                  up: {type: openai, base-url: "http://127.0.0.1:1/v1"}
                models:
                  m1: {provider: up, price: {input: -1}}
                """);
        Files.createDirectories(dir.resolve("teams"));
        Files.writeString(dir.resolve("teams/t.yaml"), "id: t\nkeys: [{id: k, sha256: short}]\n");

        int status = check("--config", dir.toString());

        assertThat(status).isEqualTo(2);
        String problems = err.toString(StandardCharsets.UTF_8);
        assertThat(problems).contains("gateway.yaml:4: models.m1.price.input").contains("teams/t.yaml:2: keys[0].sha256");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aMissingFolderIsAnError(@TempDir Path dir) {
        assertThat(check("--config", dir.resolve("nowhere").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("gateway.yaml: missing");
    }

    private int check(String... args) {
        String[] all = new String[args.length + 1];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--check-config";
        Main.CommandLine cli = Main.CommandLine.parse(all);
        assertThat(cli.checkConfig()).isTrue();
        return Main.checkConfig(cli, new ConfigLoader(Map.<String, String>of()::get),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
