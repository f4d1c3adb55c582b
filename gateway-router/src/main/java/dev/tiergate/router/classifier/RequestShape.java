package dev.tiergate.router.classifier;

import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.MessageContent;
import dev.tiergate.core.model.Tool;

/**
 * What the gates look at: facts of the whole request, not only its last user message.
 *
 * @param userTurns     the number of user messages
 * @param contextTokens the tokens of all message texts and tool definitions ({@code cl100k_base})
 * @param tools         tools are offered, or the conversation already holds tool calls or results
 * @param images        a message carries an image part
 * @param jsonSchema    {@code response_format} is {@code json_schema}
 */
public record RequestShape(int userTurns, int contextTokens, boolean tools, boolean images, boolean jsonSchema) {

    /** The shape, with tokens counted by the tokenizer. Milliseconds on a long context: run it on a worker. */
    public static RequestShape of(ChatRequest request) {
        return measure(request, true);
    }

    /** The shape with tokens estimated as characters / 4: cheap enough for an event loop. */
    public static RequestShape estimate(ChatRequest request) {
        return measure(request, false);
    }

    private static RequestShape measure(ChatRequest request, boolean exact) {
        int turns = 0;
        int tokens = 0;
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
            tokens += count(message.text(), exact);
        }
        if (request.tools() != null) {
            for (Tool tool : request.tools()) {
                if (tool.function() != null) {
                    tokens += count(tool.function().name(), exact) + count(tool.function().description(), exact)
                            + (tool.function().parameters() == null
                                    ? 0 : count(tool.function().parameters().toString(), exact));
                }
            }
        }
        boolean jsonSchema = request.responseFormat() != null && "json_schema".equals(request.responseFormat().type());
        return new RequestShape(turns, tokens, tools, images, jsonSchema);
    }

    private static int count(String text, boolean exact) {
        if (text == null) {
            return 0;
        }
        return exact ? TokenCounter.count(text) : (text.length() + 3) / 4;
    }
}
