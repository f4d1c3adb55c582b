package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseTextConfig;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Responses API through the real server, called by the official openai-java SDK: against a
 * WireMock OpenAI upstream (what reaches it is checked) for text, streams, a function-calling
 * round trip with {@code previous_response_id}, structured output, retrieval and deletion.
 */
class ResponsesEndToEndTest {
    private static final String TOOL_ANSWER = "It is 21 degrees in Paris.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static WireMockServer upstream;
    private static TestGateway gateway;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        gateway = TestGateway.startWithTeams(UpstreamFixtures.gatewayYaml(upstream.port(), 1 << 20), Map.of(),
                Map.of("team-a", TestGateway.KEY, "team-b", "sk-test-team-b"));
        client = client(TestGateway.KEY);
    }

    @BeforeEach
    void stubs() {
        upstream.resetAll();
        String model = "gpt-4o-mini-2024-07-18";
        // an answer that breaks off: two words, then an error inside the stream
        upstream.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/v1/chat/completions"))
                .atPriority(0).withRequestBody(containing("fail-midway"))
                .willReturn(sse(UpstreamFixtures.streamBody(model, "The capital").replaceFirst(
                        "data: \\{[^\\n]*\"finish_reason\":\"stop\"[^\\n]*\\n\\n",
                        "data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}\n\n"))));
        // a conversation that already has the tool's result gets the final answer
        upstream.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.messages[?(@.role == 'tool')]"))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(sse(UpstreamFixtures.streamBody(model, TOOL_ANSWER))));
        upstream.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/v1/chat/completions")).atPriority(2)
                .withRequestBody(matchingJsonPath("$.messages[?(@.role == 'tool')]"))
                .willReturn(json(UpstreamFixtures.completionJson(model, TOOL_ANSWER))));
        // with tools and no result yet, the model calls the tool
        upstream.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/v1/chat/completions")).atPriority(3)
                .withRequestBody(matchingJsonPath("$.tools"))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(sse(toolCallStream(model))));
        upstream.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/v1/chat/completions")).atPriority(4)
                .withRequestBody(matchingJsonPath("$.tools"))
                .willReturn(json(toolCallCompletion(model))));
        upstream.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/v1/chat/completions")).atPriority(5)
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(sse(UpstreamFixtures.streamBody(model, UpstreamFixtures.ANSWER_WORDS))));
        upstream.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/v1/chat/completions")).atPriority(9)
                .willReturn(json(UpstreamFixtures.completionJson(model, UpstreamFixtures.ANSWER_WORDS))));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.stop();
        }
    }

    @Test
    void plainResponseIsTranslatedBothWaysWithUsageAndHeaders() {
        HttpResponseFor<Response> raw = client.responses().withRawResponse().create(ResponseCreateParams.builder()
                .model("auto")
                .instructions("You are brief.")
                .input("What is the capital of France?")
                .temperature(0.2)
                .maxOutputTokens(100L)
                .build());
        Response response = raw.parse();

        assertThat(response.id()).startsWith("resp_");
        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(text(response)).isEqualTo(UpstreamFixtures.ANSWER_WORDS);
        assertThat(response.usage().orElseThrow().inputTokens()).isEqualTo(12);
        assertThat(response.usage().orElseThrow().outputTokens()).isEqualTo(11);
        assertThat(response.usage().orElseThrow().totalTokens()).isEqualTo(23);
        assertThat(response.usage().orElseThrow().inputTokensDetails().cachedTokens()).isZero();
        assertThat(raw.headers().values("x-tiergate-provider")).containsExactly("up");
        assertThat(raw.headers().values("x-tiergate-tier")).containsExactly("small");
        assertThat(raw.headers().values("x-tiergate-cost-usd")).hasSize(1);
        assertThat(raw.headers().values("x-tiergate-request-id")).hasSize(1);
        upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer sk-upstream-secret"))
                .withRequestBody(equalToJson("""
                        {"model":"gpt-4o-mini","temperature":0.2,"max_completion_tokens":100,
                         "messages":[{"role":"system","content":"You are brief."},
                                     {"role":"user","content":"What is the capital of France?"}]}
                        """, false, false)));
    }

    @Test
    void streamedResponseArrivesAsTypedEventsThatTheSdkAccumulates() {
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        List<String> deltas = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model("gpt-4o-mini").input("What is the capital of France?").build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                event.outputTextDelta().ifPresent(d -> deltas.add(d.delta()));
            });
        }
        Response response = accumulator.response();
        assertThat(deltas.size()).isGreaterThan(5);
        assertThat(String.join("", deltas)).isEqualTo(UpstreamFixtures.ANSWER_WORDS);
        assertThat(text(response)).isEqualTo(UpstreamFixtures.ANSWER_WORDS);
        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(response.usage().orElseThrow().totalTokens()).isEqualTo(23);
        // the streamed response was stored and is retrievable
        assertThat(text(client.responses().retrieve(response.id()))).isEqualTo(UpstreamFixtures.ANSWER_WORDS);
    }

    @Test
    void functionCallingRoundTripContinuesWithPreviousResponseId() {
        Response first = client.responses().create(ResponseCreateParams.builder()
                .model("auto")
                .input("What is the weather in Paris?")
                .addTool(weatherTool())
                .build());
        ResponseFunctionToolCall call = first.output().stream().flatMap(o -> o.functionCall().stream())
                .findFirst().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.callId()).isEqualTo("call_abc");
        assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(equalToJson("""
                {"tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather",
                 "parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":false}}]}
                """, false, true)));

        Response second = client.responses().create(ResponseCreateParams.builder()
                .model("auto")
                .previousResponseId(first.id())
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(
                        ResponseInputItem.FunctionCallOutput.builder().callId(call.callId())
                                .output("{\"celsius\":21}").build())))
                .addTool(weatherTool())
                .build());

        assertThat(text(second)).isEqualTo(TOOL_ANSWER);
        assertThat(second.previousResponseId()).contains(first.id());
        upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(equalToJson("""
                {"messages":[{"role":"user","content":"What is the weather in Paris?"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_abc","type":"function",
                   "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_abc","content":"{\\"celsius\\":21}"}]}
                """, false, true)));
    }

    @Test
    void streamedToolCallArrivesAsArgumentDeltasBetweenAddedAndDone() {
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        List<String> types = new ArrayList<>();
        List<String> argumentDeltas = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model("auto").input("Weather in Paris?").addTool(weatherTool()).build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                types.add(type(event));
                event.functionCallArgumentsDelta().ifPresent(d -> argumentDeltas.add(d.delta()));
            });
        }
        assertThat(argumentDeltas).containsExactly("{\"city\":", "\"Paris\"}");
        assertThat(types).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed");
        ResponseFunctionToolCall call = accumulator.response().output().getFirst().functionCall().orElseThrow();
        assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(call.name()).isEqualTo("get_weather");
    }

    @Test
    void previousResponseIdCarriesTheConversationAndTheInstructionsAreNotCarriedOver() {
        Response first = client.responses().create(ResponseCreateParams.builder().model("auto")
                .instructions("Answer in French.").input("My name is Ada.").build());
        client.responses().create(ResponseCreateParams.builder().model("auto")
                .previousResponseId(first.id()).input("What is my name?").build());

        upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(equalToJson("""
                {"messages":[{"role":"user","content":"My name is Ada."},
                             {"role":"assistant","content":"%s"},
                             {"role":"user","content":"What is my name?"}]}
                """.formatted(UpstreamFixtures.ANSWER_WORDS), false, true)));
    }

    @Test
    void structuredOutputBecomesAJsonSchemaResponseFormat() {
        client.responses().create(ResponseCreateParams.builder().model("auto").input("Capital of France as JSON")
                .text(ResponseTextConfig.builder().format(ResponseFormatTextJsonSchemaConfig.builder()
                        .name("capital").strict(true)
                        .schema(ResponseFormatTextJsonSchemaConfig.Schema.builder()
                                .putAdditionalProperty("type", JsonValue.from("object")).build())
                        .build()).build())
                .build());
        upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(equalToJson("""
                {"response_format":{"type":"json_schema","json_schema":{"name":"capital","strict":true,
                 "schema":{"type":"object"}}}}
                """, false, true)));
    }

    @Test
    void storedResponsesAreRetrievedListedAndDeletedByTheirTeamOnly() throws Exception {
        Response created = client.responses().create(ResponseCreateParams.builder().model("auto")
                .input("What is the capital of France?").build());

        Response retrieved = client.responses().retrieve(created.id());
        assertThat(retrieved.id()).isEqualTo(created.id());
        assertThat(text(retrieved)).isEqualTo(UpstreamFixtures.ANSWER_WORDS);

        JsonNode items = JSON.readTree(get("/v1/responses/" + created.id() + "/input_items", TestGateway.KEY).body());
        assertThat(items.path("object").asText()).isEqualTo("list");
        assertThat(items.path("data").get(0).path("content").get(0).path("text").asText())
                .isEqualTo("What is the capital of France?");
        assertThat(items.path("has_more").asBoolean()).isFalse();

        // another team does not see it, nor can it continue it
        assertThat(get("/v1/responses/" + created.id(), "sk-test-team-b").statusCode()).isEqualTo(404);
        assertThatThrownBy(() -> client("sk-test-team-b").responses().create(ResponseCreateParams.builder()
                .model("auto").previousResponseId(created.id()).input("Hi").build()))
                .isInstanceOf(NotFoundException.class);

        client.responses().delete(created.id());
        assertThatThrownBy(() -> client.responses().retrieve(created.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void inputItemsArePagedInEitherOrder() throws Exception {
        HttpResponse<String> created = post("""
                {"model":"auto","input":[{"role":"user","content":"one","id":"msg_1"},
                  {"role":"assistant","content":"two","id":"msg_2"},{"role":"user","content":"three","id":"msg_3"}]}
                """, TestGateway.KEY);
        String id = JSON.readTree(created.body()).get("id").asText();
        String items = "/v1/responses/" + id + "/input_items";

        JsonNode newestFirst = JSON.readTree(get(items + "?limit=2", TestGateway.KEY).body());
        assertThat(newestFirst.path("data").findValuesAsText("id")).containsExactly("msg_3", "msg_2");
        assertThat(newestFirst.path("first_id").asText()).isEqualTo("msg_3");
        assertThat(newestFirst.path("last_id").asText()).isEqualTo("msg_2");
        assertThat(newestFirst.path("has_more").asBoolean()).isTrue();
        JsonNode rest = JSON.readTree(get(items + "?limit=2&after=msg_2", TestGateway.KEY).body());
        assertThat(rest.path("data").findValuesAsText("id")).containsExactly("msg_1");
        assertThat(rest.path("has_more").asBoolean()).isFalse();
        JsonNode oldestFirst = JSON.readTree(get(items + "?order=asc", TestGateway.KEY).body());
        assertThat(oldestFirst.path("data").findValuesAsText("id")).containsExactly("msg_1", "msg_2", "msg_3");

        HttpResponse<String> badLimit = get(items + "?limit=500", TestGateway.KEY);
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badLimit.body()).at("/error/param").asText()).isEqualTo("limit");
    }

    @Test
    void aStoredResponseIsReplayedAsItsEventStreamFromAnySequenceNumber() {
        Response created = client.responses().create(ResponseCreateParams.builder().model("auto")
                .input("Replay: what is the weather in Paris?").addTool(weatherTool()).build());
        // one response with a function call, one with text (inputs of their own: the exact cache serves repeats)
        Response text = client.responses().create(ResponseCreateParams.builder().model("auto")
                .input("Replay: what is the capital of France?").build());

        for (Response stored : List.of(created, text)) {
            ResponseAccumulator accumulator = ResponseAccumulator.create();
            List<String> types = new ArrayList<>();
            try (StreamResponse<ResponseStreamEvent> replay = client.responses().retrieveStreaming(stored.id())) {
                replay.stream().forEach(event -> {
                    accumulator.accumulate(event);
                    types.add(type(event));
                });
            }
            assertThat(accumulator.response()).isEqualTo(client.responses().retrieve(stored.id()));
            assertThat(types.getFirst()).isEqualTo("response.created");
            assertThat(types.getLast()).isEqualTo("response.completed");
        }

        ResponseAccumulator accumulator = ResponseAccumulator.create();
        List<Long> sequence = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> replay = client.responses().retrieveStreaming(text.id(),
                com.openai.models.responses.ResponseRetrieveParams.builder().startingAfter(3L).build())) {
            replay.stream().forEach(event -> {
                sequence.add(event.outputTextDelta().map(d -> d.sequenceNumber())
                        .or(() -> event.completed().map(c -> c.sequenceNumber())).orElse(-1L));
                assertThat(event.created()).isEmpty();
            });
        }
        assertThat(sequence).contains(4L).doesNotContain(0L, 1L, 2L, 3L);
    }

    @Test
    void cancelRefusesASynchronousResponseAndAnUnknownIdIsNotFound() {
        Response created = client.responses().create(ResponseCreateParams.builder().model("auto")
                .input("What is the capital of France?").build());
        assertThatThrownBy(() -> client.responses().cancel(created.id()))
                .isInstanceOfSatisfying(com.openai.errors.BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("Cannot cancel a synchronous response");
                });
        assertThatThrownBy(() -> client.responses().cancel("resp_nope")).isInstanceOf(NotFoundException.class);
        assertThat(text(client.responses().retrieve(created.id()))).isEqualTo(UpstreamFixtures.ANSWER_WORDS);
    }

    @Test
    void inputTokensCountsThePromptTheRequestWouldSendWithoutCallingUpstream() {
        var tokens = client.responses().inputTokens();
        long joke = tokens.count(com.openai.models.responses.inputtokens.InputTokenCountParams.builder()
                .model("auto").input("Tell me a joke.").build()).inputTokens();
        long withInstructions = tokens.count(com.openai.models.responses.inputtokens.InputTokenCountParams.builder()
                .model("auto").instructions("You are a comedian who answers in one line.")
                .input("Tell me a joke.").build()).inputTokens();
        var counter = dev.tiergate.inference.tokens.JtokkitTokenCounter.o200k();
        // OpenAI's chat framing: 3 tokens per message plus the role and text, 3 before the reply
        assertThat(joke).isEqualTo(3 + 1 + counter.text("Tell me a joke.") + 3);
        assertThat(withInstructions - joke).isEqualTo(3 + 1 + counter.text("You are a comedian who answers in one line."));
        upstream.verify(0, postRequestedFor(urlEqualTo("/v1/chat/completions")));

        Response first = client.responses().create(ResponseCreateParams.builder().model("auto")
                .input("Tell me a joke.").build());
        long continued = tokens.count(com.openai.models.responses.inputtokens.InputTokenCountParams.builder()
                .model("auto").previousResponseId(first.id()).input("Another one.").build()).inputTokens();
        assertThat(continued).isGreaterThan(joke + counter.text(UpstreamFixtures.ANSWER_WORDS));
        assertThatThrownBy(() -> tokens.count(com.openai.models.responses.inputtokens.InputTokenCountParams.builder()
                .model("no-such-model").input("hi").build())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void storeFalseKeepsNothing() {
        Response created = client.responses().create(ResponseCreateParams.builder().model("auto")
                .input("Do not keep this.").store(false).build());
        assertThat(created._additionalProperties().get("store").asBoolean()).contains(false);
        assertThatThrownBy(() -> client.responses().retrieve(created.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void badInputIsA400NamingTheFieldAndAMissingKeyA401() throws Exception {
        HttpResponse<String> builtInTool = post("""
                {"model":"auto","input":"hi","tools":[{"type":"web_search"}]}""", TestGateway.KEY);
        assertThat(builtInTool.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(builtInTool.body()).path("error").path("param").asText()).isEqualTo("tools[0].type");

        HttpResponse<String> badRole = post("""
                {"model":"auto","input":[{"role":"robot","content":"hi"}]}""", TestGateway.KEY);
        assertThat(badRole.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badRole.body()).path("error").path("param").asText()).isEqualTo("input[0].role");

        assertThat(post("{\"model\":\"auto\",\"input\":\"hi\"}", "sk-wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> unknownPrevious = post("""
                {"model":"auto","input":"hi","previous_response_id":"resp_nope"}""", TestGateway.KEY);
        assertThat(unknownPrevious.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknownPrevious.body()).path("error").path("param").asText())
                .isEqualTo("previous_response_id");
        assertThat(get("/v1/responses/resp_nope/unknown", TestGateway.KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void aStreamThatBreaksOffEndsWithErrorAndResponseFailedAndIsNotStored() throws Exception {
        HttpResponse<String> answer = post("""
                {"model":"auto","input":"fail-midway please","stream":true}""", TestGateway.KEY);
        assertThat(answer.statusCode()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        for (String frame : answer.body().split("\n\n")) {
            String[] lines = frame.split("\n");
            assertThat(lines[0]).startsWith("event: ");
            JsonNode event = JSON.readTree(lines[1].substring("data: ".length()));
            assertThat(lines[0]).isEqualTo("event: " + event.get("type").asText());
            events.add(event);
        }
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).get("sequence_number").asInt()).isEqualTo(i);
        }
        List<String> types = events.stream().map(e -> e.get("type").asText()).toList();
        assertThat(types.subList(0, 5)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta");
        assertThat(types.subList(types.size() - 2, types.size())).containsExactly("error", "response.failed");
        JsonNode failed = events.getLast().get("response");
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.at("/error/message").asText()).contains("The server had an error");
        assertThat(get("/v1/responses/" + failed.get("id").asText(), TestGateway.KEY).statusCode()).isEqualTo(404);
    }

    static String text(Response response) {
        StringBuilder text = new StringBuilder();
        for (ResponseOutputItem item : response.output()) {
            item.message().ifPresent(m -> m.content().forEach(c -> c.outputText().ifPresent(t -> text.append(t.text()))));
        }
        return text.toString();
    }

    /** The event's type, for the kinds a text or function-call stream has. */
    private static String type(ResponseStreamEvent event) {
        Map<String, java.util.Optional<?>> kinds = new java.util.LinkedHashMap<>();
        kinds.put("response.created", event.created());
        kinds.put("response.in_progress", event.inProgress());
        kinds.put("response.output_item.added", event.outputItemAdded());
        kinds.put("response.content_part.added", event.contentPartAdded());
        kinds.put("response.output_text.delta", event.outputTextDelta());
        kinds.put("response.output_text.done", event.outputTextDone());
        kinds.put("response.content_part.done", event.contentPartDone());
        kinds.put("response.function_call_arguments.delta", event.functionCallArgumentsDelta());
        kinds.put("response.function_call_arguments.done", event.functionCallArgumentsDone());
        kinds.put("response.output_item.done", event.outputItemDone());
        kinds.put("response.completed", event.completed());
        kinds.put("response.incomplete", event.incomplete());
        kinds.put("response.failed", event.failed());
        kinds.put("error", event.error());
        return kinds.entrySet().stream().filter(k -> k.getValue().isPresent()).map(Map.Entry::getKey)
                .findFirst().orElse("other");
    }

    static FunctionTool weatherTool() {
        return FunctionTool.builder().name("get_weather").description("Current weather").strict(false)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build())
                .build();
    }

    private static String toolCallCompletion(String model) {
        return """
                {"id":"chatcmpl-t1","object":"chat.completion","created":1700000000,"model":"%s",
                 "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_abc",
                  "type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                  "finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":40,"completion_tokens":9,"total_tokens":49}}
                """.formatted(model);
    }

    private static String toolCallStream(String model) {
        String head = "{\"id\":\"chatcmpl-t2\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\""
                + model + "\",\"choices\":";
        List<String> choices = List.of(
                "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
                        + "\"id\":\"call_abc\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"arguments\":\"\"}}]},\"finish_reason\":null}]",
                "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]},"
                        + "\"finish_reason\":null}]",
                "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]},"
                        + "\"finish_reason\":null}]",
                "[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]",
                "[],\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":9,\"total_tokens\":49}");
        StringBuilder body = new StringBuilder();
        for (String c : choices) {
            body.append("data: ").append(head).append(c).append("}\n\n");
        }
        return body.append("data: [DONE]\n\n").toString();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder sse(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body)
                .withChunkedDribbleDelay(4, 200);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl(gateway.baseUrl()).maxRetries(0).build();
    }

    private static HttpResponse<String> post(String body, String key) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.uri("/v1/responses"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.uri(path).toString()))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
