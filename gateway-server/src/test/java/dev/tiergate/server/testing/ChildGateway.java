package dev.tiergate.server.testing;

import dev.tiergate.server.Main;
import dev.tiergate.server.auth.ApiKeyAuthenticator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real gateway ({@link Main}) in a child JVM on this test's class path, for what only a
 * process can show (an exit status, a {@code kill -9}): its output is collected line by line and
 * the port it listens on read from its banner.
 */
public final class ChildGateway {
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Thread reader;

    private ChildGateway(Process process, Predicate<String> keep) {
        this.process = process;
        this.reader = Thread.ofVirtual().start(() -> read(keep));
    }

    /**
     * Starts {@code Main --config config} with {@code jvmOptions}, the environment plus {@code env};
     * output lines that {@code keep} refuses are not collected (the banner is read all the same).
     */
    public static ChildGateway start(Path config, Map<String, String> env, Predicate<String> keep,
                                     String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        return new ChildGateway(builder.start(), keep);
    }

    public Process process() {
        return process;
    }

    /**
     * Writes into {@code dir} a config with one demo model ({@code demo-small}), one team whose key
     * is {@code key}, no management port and a usage file of its own; returns {@code dir}.
     */
    public static Path writeDemoConfig(Path dir, String key) throws IOException {
        Files.createDirectories(dir.resolve("teams"));
        Files.writeString(dir.resolve("gateway.yaml"), """
                server: {host: 127.0.0.1, port: 0, management-port: off}
                providers: {sim: {type: demo}}
                models: {demo-small: {provider: sim}}
                usage: {file: "%s"}
                """.formatted(dir.resolve("usage.jsonl")));
        Files.writeString(dir.resolve("teams/t.yaml"), "id: t\nkeys: [{id: k, sha256: "
                + HexFormat.of().formatHex(ApiKeyAuthenticator.sha256(key)) + "}]\n");
        return dir;
    }

    /** The lines collected so far. */
    public List<String> output() {
        return output;
    }

    /** The port it listens on, once it does. */
    public int port(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        return port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until every line of an ended process is collected. */
    public void awaitOutput(Duration timeout) throws InterruptedException {
        reader.join(timeout);
    }

    private void read(Predicate<String> keep) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (keep.test(line)) {
                    output.add(line);
                }
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    port.complete(Integer.parseInt(listening.group(1)));
                }
            }
        } catch (IOException e) {
            port.completeExceptionally(e);
        }
        port.completeExceptionally(new IllegalStateException("the gateway ended before listening: " + output));
    }
}
