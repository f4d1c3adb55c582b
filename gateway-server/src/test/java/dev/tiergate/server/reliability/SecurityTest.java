package dev.tiergate.server.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tiergate.core.config.ApiKeyConfig;
import dev.tiergate.core.error.AuthenticationError;
import dev.tiergate.server.auth.ApiKeyAuthenticator;
import dev.tiergate.server.config.ConfigException;
import dev.tiergate.server.config.ConfigLoader;
import dev.tiergate.server.config.ConfigSource;
import dev.tiergate.server.e2e.TestGateway;
import dev.tiergate.server.e2e.UpstreamFixtures;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Security properties through the real server: teams cannot read each other's cache entries, team
 * keys are known only by their SHA-256, provider keys never reach logs or error bodies, and a
 * model name or a client header cannot steer where an upstream request goes.
 */
@ExtendWith(NettyLeakDetection.class)
class SecurityTest {
    private static final String KEY_B = "sk-test-team-b";
    private static final String PROVIDER_SECRET = "sk-live-PROVIDER-SECRET-4f9c2e7d1a";

    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort());

    @BeforeEach
    void startUpstream() {
        upstream.start();
    }

    @AfterEach
    void stopUpstream() {
        upstream.stop();
    }

    private static String yaml(int upstreamPort) {
        return """
                server:
                  host: 127.0.0.1
                  request-timeout-seconds: 5
                providers:
                  up: {type: openai, base-url: "http://127.0.0.1:%d/v1", api-key: "%s", connect-timeout-ms: 500, read-timeout-ms: 1000}
                  sim: {type: demo, options: {first-token-ms: 0, chunk-delay-ms: 0}}
                models:
                  gpt-4o-mini: {provider: up}
                  text-embedding-3-small: {provider: up, kind: embedding}
                  demo-small: {provider: sim}
                resilience:
                  retry: {max-attempts: 2, initial-backoff-ms: 10, max-backoff-ms: 50}
                cache:
                  exact: {enabled: true}
                """.formatted(upstreamPort, PROVIDER_SECRET);
    }

    private TestGateway twoTeams() throws InterruptedException {
        return TestGateway.startWithTeams(yaml(upstream.port()), Map.of(),
                Map.of("team-a", TestGateway.KEY, "team-b", KEY_B));
    }

    // ---- team isolation -----------------------------------------------------------------------

    @Test
    void oneTeamsCachedAnswerIsAMissForAnother() throws Exception {
        try (TestGateway gateway = twoTeams(); RawHttpClient client = client(gateway)) {
            for (boolean stream : new boolean[] {false, true}) {
                String prompt = "What does team A know? stream=" + stream;
                assertThat(cacheOutcome(client, TestGateway.KEY, prompt, stream)).isEqualTo("miss");
                assertThat(cacheOutcome(client, TestGateway.KEY, prompt, stream)).isEqualTo("hit");
                assertThat(cacheOutcome(client, KEY_B, prompt, stream)).as("team B asking team A's prompt").isEqualTo("miss");
                assertThat(cacheOutcome(client, KEY_B, prompt, stream)).isEqualTo("hit");
            }
        }
    }

    private static String cacheOutcome(RawHttpClient client, String key, String prompt, boolean stream) throws IOException {
        RawHttpClient.Response res = send(client, "/v1/chat/completions", key,
                "{\"model\":\"demo-small\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + prompt + "\"}]}");
        assertThat(res.status()).isEqualTo(200);
        return res.headers().get("x-tiergate-cache");
    }

    // ---- team keys ----------------------------------------------------------------------------

    @Test
    void teamKeysAreKnownOnlyByTheirSha256() {
        assertThat(Arrays.stream(ApiKeyConfig.class.getRecordComponents()).map(RecordComponent::getName))
                .containsExactly("id", "sha256");
        String plainKey = "id: team-x\nkeys:\n  - id: k\n    key: sk-plain-text-key\n";
        assertThatThrownBy(() -> load(plainKey)).isInstanceOf(ConfigException.class).hasMessageContaining("key");
        String plainInHash = "id: team-x\nkeys:\n  - id: k\n    sha256: sk-plain-text-key\n";
        assertThatThrownBy(() -> load(plainInHash)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("64 hex digits");
    }

    @Test
    void onlyTheExactKeyAuthenticatesAndTheAuthenticatorHoldsNoPlainKey() throws IllegalAccessException {
        var config = load("id: team-x\nkeys:\n  - id: k\n    sha256: " + TestGateway.sha256Hex(TestGateway.KEY) + "\n");
        ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(config.teams().values());
        assertThat(authenticator.authenticate("Bearer " + TestGateway.KEY).teamId()).isEqualTo("team-x");
        String key = TestGateway.KEY;
        for (String wrong : List.of(key.substring(0, key.length() - 1), key + "x",
                key.substring(0, key.length() - 1) + (char) (key.charAt(key.length() - 1) + 1), key.toUpperCase(),
                TestGateway.sha256Hex(key), "")) {
            assertThatThrownBy(() -> authenticator.authenticate("Bearer " + wrong)).isInstanceOf(AuthenticationError.class);
        }
        assertThat(reachableStrings(authenticator, 4)).noneSatisfy(s -> assertThat(s).contains(key));
    }

    private static dev.tiergate.core.config.GatewayConfig load(String team) {
        String gateway = "providers:\n  sim: {type: demo}\nmodels:\n  demo-small: {provider: sim}\n";
        return new ConfigLoader(name -> null).load(new ConfigSource("test", gateway, Map.of("teams/team-x.yaml", team)));
    }

    /** Every String reachable from {@code root} through fields, maps and collections, to some depth. */
    private static List<String> reachableStrings(Object root, int depth) throws IllegalAccessException {
        List<String> out = new ArrayList<>();
        collect(root, depth, out, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        return out;
    }

    private static void collect(Object o, int depth, List<String> out, java.util.Set<Object> seen)
            throws IllegalAccessException {
        if (o == null || depth < 0 || !seen.add(o)) {
            return;
        }
        switch (o) {
            case String s -> out.add(s);
            case byte[] bytes -> out.add(new String(bytes, StandardCharsets.UTF_8));
            case java.util.Map<?, ?> m -> {
                for (var e : m.entrySet()) {
                    collect(e.getKey(), depth - 1, out, seen);
                    collect(e.getValue(), depth - 1, out, seen);
                }
            }
            case Iterable<?> items -> {
                for (Object item : items) {
                    collect(item, depth - 1, out, seen);
                }
            }
            default -> {
                if (o.getClass().getName().startsWith("dev.tiergate")) {
                    for (var field : o.getClass().getDeclaredFields()) {
                        if (!java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                            field.setAccessible(true);
                            collect(field.get(o), depth - 1, out, seen);
                        }
                    }
                }
            }
        }
    }

    // ---- provider keys ------------------------------------------------------------------------

    @Test
    void theProviderKeyNeverAppearsInLogsOrInAnswersWhenTheUpstreamFails() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger tiergate = (Logger) LoggerFactory.getLogger("tiergate");
        Logger dev = (Logger) LoggerFactory.getLogger("dev.tiergate");
        Level tiergateBefore = tiergate.getLevel();
        Level devBefore = dev.getLevel();
        root.addAppender(logs);
        tiergate.setLevel(Level.DEBUG);
        dev.setLevel(Level.DEBUG);
        List<String> answers = new ArrayList<>();
        try (TestGateway gateway = twoTeams(); RawHttpClient client = client(gateway)) {
            String echo = "{\"error\":{\"message\":\"Incorrect API key provided: " + PROVIDER_SECRET
                    + ". You can find your API key at https://platform.openai.com/account/api-keys.\","
                    + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}";
            for (int status : new int[] {401, 403, 500, 503, 429, 400}) {
                upstream.resetAll();
                upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(status)
                        .withHeader("Content-Type", "application/json").withBody(echo)));
                answers.addAll(failingCalls(client, status));
            }
            upstream.resetAll();
            upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(502).withHeader("Content-Type", "text/plain")
                    .withBody("proxy error; request headers were: Authorization: Bearer " + PROVIDER_SECRET)));
            answers.addAll(failingCalls(client, 502));
            upstream.resetAll();
            upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                    .withBody("data: {\"error\":{\"message\":\"bad key " + PROVIDER_SECRET + "\",\"type\":\"server_error\"}}\n\n")));
            answers.addAll(failingCalls(client, 200));
        } finally {
            root.detachAppender(logs);
            tiergate.setLevel(tiergateBefore);
            dev.setLevel(devBefore);
        }
        assertThat(upstream.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))))
                .allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + PROVIDER_SECRET));
        assertThat(answers).isNotEmpty().noneSatisfy(answer -> assertThat(answer).contains(PROVIDER_SECRET));
        assertThat(logs.list).isNotEmpty();
        for (ILoggingEvent event : logs.list) {
            assertThat(event.getFormattedMessage()).doesNotContain(PROVIDER_SECRET);
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(PROVIDER_SECRET);
            }
        }
    }

    /** A plain, a streamed and an embeddings call; their whole answers (head and body). */
    private static List<String> failingCalls(RawHttpClient client, int upstreamStatus) throws IOException {
        List<String> out = new ArrayList<>();
        for (String body : List.of(
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi " + upstreamStatus + "\"}]}",
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi " + upstreamStatus + "\"}]}",
                "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}")) {
            String path = body.contains("\"input\"") ? "/v1/embeddings" : "/v1/chat/completions";
            RawHttpClient.Response res = send(client, path, TestGateway.KEY, body);
            assertThat(res.status()).as("answer to a failing upstream (%d)", upstreamStatus).isNotEqualTo(200);
            out.add(res.headers() + "\n" + res.bodyText());
        }
        return out;
    }

    @Test
    void theProviderKeyIsNotInTheErrorOfAnUnreachableUpstream() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0)) {
            closed = probe.getLocalPort();
        }
        try (TestGateway gateway = TestGateway.start(yaml(closed)); RawHttpClient client = client(gateway)) {
            for (String answer : failingCalls(client, 0)) {
                assertThat(answer).doesNotContain(PROVIDER_SECRET);
            }
        }
    }

    // ---- what reaches the upstream ------------------------------------------------------------

    @Test
    void modelNamesThatLookLikePathsOrUrlsAre404AndNeverReachTheUpstream() throws Exception {
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(UpstreamFixtures.completionJson("gpt-4o-mini", "should not be reached"))));
        List<String> models = List.of("../../admin", "gpt-4o-mini/../../x", "gpt-4o-mini/../gpt-4o-mini", "..%2F..%2Fadmin",
                "%2e%2e/admin", "gpt-4o-mini?api-version=evil", "gpt-4o-mini#frag", "http://evil.example/v1",
                "//evil.example/x", "gpt-4o-mini\\r\\nX-Evil: 1", "gpt-4o-mini\\u0000", "GPT-4O-MINI", " gpt-4o-mini",
                "gpt-4o-mini ", "/v1/chat/completions", "text-embedding-3-small/../gpt-4o-mini", "*", "");
        try (TestGateway gateway = twoTeams(); RawHttpClient client = client(gateway)) {
            for (String model : models) {
                for (String path : List.of("/v1/chat/completions", "/v1/embeddings")) {
                    String body = path.endsWith("embeddings") ? "{\"model\":\"" + model + "\",\"input\":\"hi\"}"
                            : "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                    RawHttpClient.Response res = send(client, path, TestGateway.KEY, body);
                    assertThat(res.status()).as("model %s on %s", model, path).isEqualTo(404);
                    assertThat(res.bodyText()).contains("\"code\":\"model_not_found\"");
                    assertThat(Answers.errorBodyProblem(res.body())).isNull();
                    assertThat(res.headers()).doesNotContainKey("x-evil").doesNotContainKey("x-tiergate-model");
                }
            }
        }
        assertThat(upstream.findAll(anyRequestedFor(anyUrl()))).as("requests that reached the upstream").isEmpty();
    }

    @Test
    void clientHeadersDoNotSteerOrReachTheUpstream() throws Exception {
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(UpstreamFixtures.completionJson("gpt-4o-mini", "fine"))));
        byte[] body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"headers\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        try (TestGateway gateway = twoTeams(); RawHttpClient client = client(gateway)) {
            RawHttpClient.Outcome outcome = client.exchange(HostileRequests.request("POST", "/v1/chat/completions?model=../admin",
                    "HTTP/1.1", List.of("Authorization: Bearer " + TestGateway.KEY, "Content-Type: application/json",
                            "Content-Length: " + body.length, "X-Forwarded-Host: evil.example", "X-Forwarded-Proto: gopher",
                            "X-Original-URL: /admin", "X-Rewrite-URL: /admin", "Forwarded: host=evil.example",
                            "x-api-key: client-supplied", "OpenAI-Organization: org-evil", "Cookie: session=steal"),
                    body));
            assertThat(outcome.response().status()).isEqualTo(200);
        }
        List<LoggedRequest> seen = upstream.findAll(anyRequestedFor(anyUrl()));
        assertThat(seen).hasSize(1);
        LoggedRequest request = seen.getFirst();
        assertThat(request.getUrl()).isEqualTo("/v1/chat/completions");
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + PROVIDER_SECRET);
        for (String header : List.of("X-Forwarded-Host", "X-Forwarded-Proto", "X-Original-URL", "X-Rewrite-URL", "Forwarded",
                "x-api-key", "OpenAI-Organization", "Cookie")) {
            assertThat(request.containsHeader(header)).as("client header %s passed upstream", header).isFalse();
        }
        assertThat(request.getBodyAsString()).doesNotContain(TestGateway.KEY);
    }

    private static RawHttpClient client(TestGateway gateway) {
        return new RawHttpClient("127.0.0.1", gateway.port(), 10_000);
    }

    private static RawHttpClient.Response send(RawHttpClient client, String path, String key, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        RawHttpClient.Outcome outcome = client.exchange(HostileRequests.request("POST", path, "HTTP/1.1",
                List.of("Authorization: Bearer " + key, "Content-Type: application/json", "Content-Length: " + body.length),
                body));
        assertThat(outcome.response()).as("answer to %s", json).isNotNull();
        return outcome.response();
    }
}
