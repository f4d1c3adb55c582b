package dev.tiergate.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * README's run command as tests read it: the one place the gateway's JVM options are chosen
 * (docs/benchmarks.md, "Footprint"). The image, the docs, the bench scripts and the tests that start
 * a gateway as README does take them from here or are held to them ({@code ReadmeJvmOptionsTest}).
 */
public final class ReadmeRunCommand {
    /** The repository's root, seen from a module's directory (where the tests run). */
    public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String LAUNCHER = "java\" ";
    private static final String JAR = "-jar gateway-server/target/tiergate.jar";
    /** Options that name a file of this checkout, log or grant access: not part of the memory configuration. */
    private static final List<String> PER_INSTALLATION = List.of("-XX:SharedArchiveFile=", "-XX:+AutoCreateSharedArchive",
            "-Xlog:", "--enable-native-access=");

    private ReadmeRunCommand() {
    }

    /** The JVM options of README's run command, in order. */
    public static List<String> jvmOptions() {
        String line;
        try {
            line = Files.readAllLines(ROOT.resolve("README.md")).stream()
                    .filter(l -> l.contains(LAUNCHER) && l.contains(JAR))
                    .findFirst().orElseThrow(() -> new IllegalStateException("README.md has no run command ("
                            + LAUNCHER + "... " + JAR + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String options = line.substring(line.indexOf(LAUNCHER) + LAUNCHER.length(), line.indexOf(JAR)).strip();
        return List.of(options.split("\\s+"));
    }

    /**
     * The options that size the heap and choose the collector and the compiler, and the exit on
     * {@code OutOfMemoryError}: what every copy of the command carries (not the class archive's
     * path, logging or native access, which depend on where and how the gateway runs).
     */
    public static List<String> memoryOptions() {
        return jvmOptions().stream().filter(o -> PER_INSTALLATION.stream().noneMatch(o::startsWith)).toList();
    }
}
