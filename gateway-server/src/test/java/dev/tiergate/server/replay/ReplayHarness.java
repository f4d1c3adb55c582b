package dev.tiergate.server.replay;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams labelled prompts through a running gateway's HTTP API only, twice: as a team that sends no
 * feedback (the static router: a team without feedback is routed exactly as before) and as a team
 * that scores every answer with {@code POST /v1/feedback}, the score its labels give the tier that
 * answered ({@code x-tiergate-tier}). Each chat asks {@code model: auto} with caches bypassed
 * ({@code Cache-Control: no-cache}) and, unless {@code maxTokens} > 0, no length limit (an answer cut
 * at its limit is an implicit signal of its own). What each side did per prompt is kept for
 * {@link ReplayReport}.
 */
final class ReplayHarness {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String staticKey;
    private final String learningKey;
    private final int maxTokens;

    /**
     * @param base        the gateway's API root, e.g. {@code http://127.0.0.1:8080}
     * @param staticKey   the key of a team that never sends feedback
     * @param learningKey the key of the team that scores its answers
     */
    ReplayHarness(URI base, String staticKey, String learningKey, int maxTokens) {
        this.base = requireNonNull(base, "base");
        this.staticKey = requireNonNull(staticKey, "staticKey");
        this.learningKey = requireNonNull(learningKey, "learningKey");
        this.maxTokens = maxTokens;
    }

    /** What one side did with one prompt. */
    record Step(String tier, String cause, double quality, String group) {
    }

    /** Both sides' steps, in stream order. */
    record Run(List<Step> staticSide, List<Step> learned, List<LabelledPrompt> stream) {
    }

    Run run(List<LabelledPrompt> stream, java.util.function.IntConsumer progress) throws IOException, InterruptedException {
        List<Step> fixed = new ArrayList<>();
        List<Step> learned = new ArrayList<>();
        for (int i = 0; i < stream.size(); i++) {
            LabelledPrompt item = stream.get(i);
            Answered a = chat(staticKey, item.prompt());
            fixed.add(new Step(a.tier(), a.cause(), item.score(a.tier()), item.group()));
            Answered b = chat(learningKey, item.prompt());
            double quality = item.score(b.tier());
            feedback(b.requestId(), quality);
            learned.add(new Step(b.tier(), b.cause(), quality, item.group()));
            progress.accept(i + 1);
        }
        return new Run(fixed, learned, stream);
    }

    private record Answered(String requestId, String tier, String cause) {
    }

    private Answered chat(String key, String prompt) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", "auto");
        if (maxTokens > 0) {
            body.put("max_tokens", maxTokens);
        }
        body.put("messages", List.of(Map.of("role", "user", "content", prompt)));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .header("Cache-Control", "no-cache")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body)))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("chat answered " + response.statusCode() + ": " + response.body());
        }
        return new Answered(header(response, "x-tiergate-request-id"), header(response, "x-tiergate-tier"),
                header(response, "x-tiergate-route-cause"));
    }

    private void feedback(String requestId, double score) throws IOException, InterruptedException {
        String body = Json.mapper().writeValueAsString(Map.of("request_id", requestId, "score", score));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/v1/feedback"))
                .header("Authorization", "Bearer " + learningKey)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 204) {
            throw new IOException("feedback answered " + response.statusCode() + ": " + response.body());
        }
    }

    private static String header(HttpResponse<String> response, String name) throws IOException {
        return response.headers().firstValue(name).orElseThrow(() -> new IOException("the answer has no " + name
                + " (is the router on and the model an alias?)"));
    }
}
