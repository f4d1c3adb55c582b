package dev.tiergate.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Loading a model makes no network call. DJL calls home once per JVM (at engine start or tokenizer
 * creation) and the build sets {@code DJL_OFFLINE} for every test, so each case runs {@link
 * NetworkProbe} in a fresh JVM without those variables; the bare DJL case shows that the probe
 * does see DJL's calls.
 */
class OfflineLoadTest {

    @Test
    void bareDjlCallsHome() throws Exception {
        assertThat(opened("bare-djl")).as("URLs DJL opened without OnnxRuntimeSetup")
                .anyMatch(url -> url.startsWith("http"));
    }

    @Test
    void loadingAndRunningTheEmbedderOpensNoUrl() throws Exception {
        assertThat(opened("embedder")).as("URLs opened while loading and running the embedder").isEmpty();
    }

    private static List<String> opened(String probe) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                NetworkProbe.class.getName(), probe)
                .redirectErrorStream(true);
        builder.environment().remove("DJL_OFFLINE");
        builder.environment().remove(OnnxRuntimeSetup.OPT_OUT_TRACKING_PROPERTY);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();
        String line = text.lines().filter(l -> l.startsWith(NetworkProbe.OPENED)).findFirst().orElseThrow(
                () -> new AssertionError("the probe printed no result:\n" + text));
        String urls = line.substring(NetworkProbe.OPENED.length()).strip();
        return urls.isEmpty() ? List.of() : List.of(urls.split(" "));
    }
}
