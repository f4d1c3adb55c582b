package dev.tiergate.router.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.model.ContentPart;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.MessageContent;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestShapeTest {
    private static final TokenCounter TOKENS = JtokkitTokenCounter.o200k();

    @Test
    void plainConversation() {
        ChatRequest request = ChatRequest.of("auto", List.of(Message.system("Be brief."), Message.user("hi"),
                Message.assistant("hello"), Message.user("how are you?")));
        RequestShape shape = RequestShape.of(request, TOKENS);
        assertThat(shape.userTurns()).isEqualTo(2);
        assertThat(shape.contextTokens()).isPositive();
        assertThat(shape.tools()).isFalse();
        assertThat(shape.images()).isFalse();
        assertThat(shape.jsonSchema()).isFalse();
    }

    @Test
    void imagesToolsAndJsonSchema() {
        Message image = new Message("user", new MessageContent.Parts(List.of(ContentPart.text("what is this?"),
                ContentPart.image("https://example.com/cat.png"))), null, null, null, Map.of());
        assertThat(RequestShape.of(ChatRequest.of("auto", List.of(image)), TOKENS).images()).isTrue();

        String body = """
                {"model": "auto", "messages": [{"role": "user", "content": "weather in Paris?"}],
                 "tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}],
                 "response_format": {"type": "json_schema", "json_schema": {"name": "w", "schema": {}}}}
                """;
        ChatRequest parsed = ChatRequestParser.parseChat(body.getBytes(StandardCharsets.UTF_8));
        RequestShape shape = RequestShape.of(parsed, TOKENS);
        assertThat(shape.tools()).isTrue();
        assertThat(shape.jsonSchema()).isTrue();
    }

    @Test
    void estimateIsCloseToCount() {
        ChatRequest request = ChatRequest.of("auto", List.of(Message.user("The quick brown fox jumps over the lazy dog. ".repeat(50))));
        int exact = RequestShape.of(request, TOKENS).contextTokens();
        int estimate = RequestShape.estimate(request).contextTokens();
        assertThat(estimate).isBetween(exact / 2, exact * 2);
    }
}
