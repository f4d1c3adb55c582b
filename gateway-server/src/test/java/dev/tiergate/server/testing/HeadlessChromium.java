package dev.tiergate.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real headless Chromium driven over the Chrome DevTools protocol with the JDK's WebSocket client:
 * one page, a laptop-sized viewport, navigation, script evaluation, screenshots, and every problem
 * the page reports (uncaught exceptions, {@code console.error}, and the browser's own log entries
 * such as a refused script or a failed load).
 */
public final class HeadlessChromium implements AutoCloseable {
    /** Where Chromium is looked for, unless {@code -Dtiergate.chromium} or {@code CHROMIUM} name it. */
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable");
    private static final Pattern DEVTOOLS_URL = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Something the page reported: an exception, a console call or a browser log entry. */
    public record Problem(String kind, String level, String text, String url) {
        @Override
        public String toString() {
            return kind + "/" + level + ": " + text + (url == null || url.isEmpty() ? "" : " (" + url + ")");
        }
    }

    private final Process process;
    private final Path profile;
    /** The page's DevTools socket, set once it is open. */
    private volatile WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<Consumer<JsonNode>> eventListeners = new CopyOnWriteArrayList<>();
    private final List<Problem> problems = new CopyOnWriteArrayList<>();

    private HeadlessChromium(Process process, Path profile) {
        this.process = process;
        this.profile = profile;
    }

    /** The Chromium executable of this machine, if there is one. */
    public static Optional<Path> executable() {
        String named = System.getProperty("tiergate.chromium", System.getenv("CHROMIUM"));
        Stream<String> candidates = named == null || named.isBlank() ? CANDIDATES.stream() : Stream.of(named);
        return candidates.map(Path::of).filter(Files::isExecutable).findFirst();
    }

    /** Starts Chromium headless with a fresh profile and opens its first page at {@code width x height}. */
    public static HeadlessChromium launch(Path executable, int width, int height) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("tiergate-chromium");
        Process process = new ProcessBuilder(executable.toString(), "--headless=new", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "--no-sandbox", "--no-first-run", "--no-default-browser-check",
                "--disable-gpu", "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--disable-dev-shm-usage", "--mute-audio", "--hide-scrollbars", "--window-size=" + width + "," + height,
                "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            URI browser = URI.create(devToolsUrl(process));
            URI page = pageSocket(browser);
            HeadlessChromium chromium = new HeadlessChromium(process, profile);
            chromium.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT)
                    .buildAsync(page, chromium.new Frames()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            chromium.start(width, height);
            return chromium;
        } catch (ExecutionException | TimeoutException | RuntimeException | IOException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            deleteTree(profile);
            throw new IOException("could not start Chromium (" + executable + "): " + e, e);
        }
    }

    /** Reads Chromium's stderr until it names its DevTools socket, then drains the rest in the background. */
    private static String devToolsUrl(Process process) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = err.readLine()) != null) {
                    Matcher m = DEVTOOLS_URL.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    } else if (!url.isDone() && seen.length() < 4_000) {
                        seen.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            url.completeExceptionally(new IOException("Chromium ended without a DevTools URL; its stderr: " + seen));
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            return url.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for Chromium", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("Chromium named no DevTools URL in " + TIMEOUT + "; its stderr: " + seen, e);
        }
    }

    /** The WebSocket of the browser's first page, from its {@code /json/list}. */
    private static URI pageSocket(URI browser) throws IOException, InterruptedException {
        URI list = URI.create("http://" + browser.getAuthority() + "/json/list");
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(list).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode target : JSON.readTree(answer.body())) {
            if ("page".equals(target.path("type").asText())) {
                return URI.create(target.path("webSocketDebuggerUrl").asText());
            }
        }
        throw new IOException("Chromium has no page target: " + answer.body());
    }

    private void start(int width, int height) {
        eventListeners.add(this::collectProblems);
        send("Runtime.enable");
        send("Log.enable");
        send("Page.enable");
        ObjectNode metrics = JSON.createObjectNode().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", false);
        send("Emulation.setDeviceMetricsOverride", metrics);
    }

    private void collectProblems(JsonNode event) {
        String method = event.path("method").asText();
        JsonNode p = event.path("params");
        switch (method) {
            case "Runtime.exceptionThrown" -> {
                JsonNode details = p.path("exceptionDetails");
                String text = details.path("exception").path("description").asText(details.path("text").asText());
                problems.add(new Problem("exception", "error", text, details.path("url").asText()));
            }
            case "Runtime.consoleAPICalled" -> {
                String type = p.path("type").asText();
                if (type.equals("error") || type.equals("assert") || type.equals("warning")) {
                    StringBuilder text = new StringBuilder();
                    for (JsonNode arg : p.path("args")) {
                        text.append(arg.has("value") ? arg.path("value").asText() : arg.path("description").asText())
                                .append(' ');
                    }
                    problems.add(new Problem("console", type, text.toString().trim(), ""));
                }
            }
            case "Log.entryAdded" -> {
                JsonNode entry = p.path("entry");
                String level = entry.path("level").asText();
                if (level.equals("error") || level.equals("warning")) {
                    problems.add(new Problem("log:" + entry.path("source").asText(), level, entry.path("text").asText(),
                            entry.path("url").asText()));
                }
            }
            default -> {
            }
        }
    }

    /** Everything the page reported so far. */
    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    public void clearProblems() {
        problems.clear();
    }

    /** Sends a DevTools command and waits for its result. */
    public JsonNode send(String method) {
        return send(method, JSON.createObjectNode());
    }

    public JsonNode send(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
        command.set("params", params);
        socket.sendText(command.toString(), true).join();
        try {
            JsonNode result = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (result.has("error")) {
                throw new IllegalStateException(method + " failed: " + result.get("error"));
            }
            return result.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + method, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(method + " got no answer in " + TIMEOUT, e);
        } finally {
            pending.remove(id);
        }
    }

    /**
     * Opens {@code url} and waits until the page's load event (a change of the fragment only, which
     * loads nothing, returns at once).
     */
    public void navigate(String url) {
        CompletableFuture<JsonNode> loaded = nextEvent("Page.loadEventFired");
        JsonNode result = send("Page.navigate", JSON.createObjectNode().put("url", url));
        if (result.hasNonNull("errorText")) {
            throw new IllegalStateException("could not open " + url + ": " + result.get("errorText").asText());
        }
        if (!result.hasNonNull("loaderId")) {
            return;
        }
        try {
            loaded.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(url + " did not load in " + TIMEOUT, e);
        }
    }

    private CompletableFuture<JsonNode> nextEvent(String method) {
        CompletableFuture<JsonNode> event = new CompletableFuture<>();
        Consumer<JsonNode> listener = new Consumer<>() {
            @Override
            public void accept(JsonNode e) {
                if (method.equals(e.path("method").asText())) {
                    event.complete(e);
                    eventListeners.remove(this);
                }
            }
        };
        eventListeners.add(listener);
        return event;
    }

    /**
     * The value of a JavaScript expression in the page (a promise is awaited), as JSON; an exception
     * in it fails with its message.
     */
    public JsonNode evaluate(String expression) {
        JsonNode result = send("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (result.has("exceptionDetails")) {
            JsonNode details = result.get("exceptionDetails");
            throw new IllegalStateException("the page's script failed: "
                    + details.path("exception").path("description").asText(details.path("text").asText())
                    + " in: " + expression);
        }
        return result.path("result").path("value");
    }

    /** Waits until {@code condition} (a JavaScript expression) is true in the page. */
    public void waitFor(String condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!evaluate("Boolean(" + condition + ")").asBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + condition
                        + "; problems so far: " + problems);
            }
            Thread.sleep(50);
        }
    }

    /** A PNG of the viewport, written to {@code file}. */
    public Path screenshot(Path file) throws IOException {
        JsonNode shot = send("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
        return file;
    }

    @Override
    public void close() {
        try {
            if (socket != null) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException ignored) {
            // the browser is being stopped anyway
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(profile);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temporary profile left behind is harmless
        }
    }

    /** Collects the text frames of the page socket into messages: answers to commands, or events. */
    private final class Frames implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                dispatch(message);
            }
            webSocket.request(1);
            return null;
        }

        private void dispatch(String message) {
            try {
                JsonNode json = JSON.readTree(message);
                if (json.has("id")) {
                    CompletableFuture<JsonNode> answer = pending.get(json.get("id").asInt());
                    if (answer != null) {
                        answer.complete(json);
                    }
                } else {
                    for (Consumer<JsonNode> listener : eventListeners) {
                        listener.accept(json);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** All problems as lines, for an assertion message. */
    public static String describe(List<Problem> problems) {
        List<String> lines = new ArrayList<>();
        problems.forEach(p -> lines.add(p.toString()));
        return String.join("\n", lines);
    }
}
