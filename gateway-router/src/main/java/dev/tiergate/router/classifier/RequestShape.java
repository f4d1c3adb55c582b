package dev.tiergate.router.classifier;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.MessageContent;
import dev.tiergate.core.model.Tool;
import dev.tiergate.core.tokens.TokenCounter;

/**
 * What the gates look at: facts of the whole request, not only its last user message.
 *
 * @param userTurns     the number of user messages
 * @param contextTokens the tokens of all message texts and tool definitions, by the gateway's {@link TokenCounter}
 * @param tools         tools are offered, or the conversation already holds tool calls or results
 * @param images        a message carries an image part
 * @param jsonSchema    {@code response_format} is {@code json_schema}
 */
public record RequestShape(int userTurns, int contextTokens, boolean tools, boolean images, boolean jsonSchema) {

    /** The shape, with tokens counted by {@code tokens}. Milliseconds on a long context: run it on a worker. */
    public static RequestShape of(ChatRequest request, TokenCounter tokens) {
        return measure(request, requireNonNull(tokens, "tokens"));
    }

    /** The shape with tokens estimated as characters / 4: cheap enough for an event loop. */
    public static RequestShape estimate(ChatRequest request) {
        return measure(request, null);
    }

    /** {@code tokens} null: estimate. */
    private static RequestShape measure(ChatRequest request, TokenCounter tokens) {
        int turns = 0;
        int count = 0;
        boolean tools = request.tools() != null && !request.tools().isEmpty();
        boolean images = false;
        for (Message message : request.messages()) {
            if ("user".equals(message.role())) {
                turns++;
            }
            if ("tool".equals(message.role()) || (message.toolCalls() != null && !message.toolCalls().isEmpty())) {
                tools = true;
            }
            if (message.content() instanceof MessageContent.Parts parts && parts.hasImage()) {
                images = true;
            }
            count += count(message.text(), tokens);
        }
        if (request.tools() != null) {
            for (Tool tool : request.tools()) {
                if (tool.function() != null) {
                    count += count(tool.function().name(), tokens) + count(tool.function().description(), tokens)
                            + (tool.function().parameters() == null
                                    ? 0 : count(tool.function().parameters().toString(), tokens));
                }
            }
        }
        boolean jsonSchema = request.responseFormat() != null && "json_schema".equals(request.responseFormat().type());
        return new RequestShape(turns, count, tools, images, jsonSchema);
    }

    private static int count(String text, TokenCounter tokens) {
        if (text == null) {
            return 0;
        }
        return tokens != null ? tokens.text(text) : (text.length() + 3) / 4;
    }
}
