package dev.tiergate.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.server.testing.ReadmeRunCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * README's run command chooses the JVM's memory options; the image, the docs and the bench scripts
 * repeat them. Each copy must carry every one of them and no other value of the same option, so a
 * change made in README and not in a copy (or the other way round) fails here.
 */
class ReadmeJvmOptionsTest {
    private static final Pattern BOOLEAN = Pattern.compile("-XX:[+-](\\w+)");
    private static final Pattern VALUED = Pattern.compile("(-XX:\\w+=|-Xm[snx]|-Xss)(.+)");

    @Test
    void readmesCommandSizesTheHeapAndChoosesTheCollector() {
        List<String> options = ReadmeRunCommand.memoryOptions();
        assertThat(options).anyMatch(o -> o.startsWith("-Xmx")).anyMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"));
        assertThat(ReadmeRunCommand.jvmOptions()).containsAll(options);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker/Dockerfile", "docs/deployment.md", "docs/dashboard.md", "bench/profile.sh",
            "bench/gateways.sh", "bench/readme-gateway.sh", "bench/thread-cpu-windows.sh", "bench/warmup-curve.sh"})
    void everyCopyCarriesReadmesMemoryOptions(String file) throws IOException {
        String text = Files.readString(ReadmeRunCommand.ROOT.resolve(file)).replace("\\\n", " ");
        for (String option : ReadmeRunCommand.memoryOptions()) {
            assertThat(text).as("%s carries README's %s", file, option)
                    .containsPattern("(?<![\\w:=+-])" + Pattern.quote(option) + "(?![\\w=])");
            assertThat(sameOption(text, option)).as("%s: every %s as README has it", file, option)
                    .containsOnly(option);
        }
    }

    @Test
    void aCopyWithAnotherValueIsCaught() {
        String stale = "java -Xms16m -Xmx96m -XX:+TieredCompilation -XX:MaxHeapFreeRatio=40 -jar x.jar";
        assertThat(sameOption(stale, "-Xmx64m")).containsExactly("-Xmx96m");
        assertThat(sameOption(stale, "-XX:-TieredCompilation")).containsExactly("-XX:+TieredCompilation");
        assertThat(sameOption(stale, "-XX:MaxHeapFreeRatio=30")).containsExactly("-XX:MaxHeapFreeRatio=40");
        assertThat(sameOption(stale, "-Xms16m")).containsExactly("-Xms16m");
    }

    /** Every occurrence in {@code text} of the option {@code option} sets, whatever its value. */
    private static List<String> sameOption(String text, String option) {
        Matcher flag = BOOLEAN.matcher(option);
        Matcher valued = VALUED.matcher(option);
        String pattern = flag.matches() ? "-XX:[+-]" + flag.group(1) + "(?!\\w)"
                : valued.matches() ? Pattern.quote(valued.group(1)) + "[^\\s\"'`,;)]+"
                : Pattern.quote(option);
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile(pattern).matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }
}
