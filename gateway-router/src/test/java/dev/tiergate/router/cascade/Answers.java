package dev.tiergate.router.cascade;

import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ChatRequestParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Requests and answers for the check tests, from their OpenAI wire JSON. */
final class Answers {
    private Answers() {
    }

    /** A chat request for {@code auto} with one user message and {@code extraFields} (",\"key\":value..."). */
    static ChatRequest request(String extraFields) {
        return ChatRequestParser.parseChat(("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]"
                + extraFields + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** A completion with one choice whose message is {@code messageJson}, and {@code choiceExtra} in the choice. */
    static ChatCompletion completion(String messageJson, String finishReason, String choiceExtra) {
        String json = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"message\":" + messageJson + ",\"finish_reason\":\"" + finishReason + "\"" + choiceExtra + "}]}";
        try {
            return Json.mapper().readValue(json, ChatCompletion.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A completion whose one message says {@code content}, finished with {@code stop}. */
    static ChatCompletion saying(String content) {
        return completion("{\"role\":\"assistant\",\"content\":" + Json.mapper().valueToTree(content) + "}", "stop", "");
    }
}
