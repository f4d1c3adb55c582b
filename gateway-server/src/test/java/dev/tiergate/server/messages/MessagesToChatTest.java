package dev.tiergate.server.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.AnthropicOrigin;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ContentPart;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.MessageContent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validation of Messages requests and their translation to the chat request the pipeline serves. */
class MessagesToChatTest {

    private static MessagesRequest parse(String json) {
        return MessagesRequestParser.parse(json.getBytes(StandardCharsets.UTF_8),
                Map.of("anthropic-beta", "b1", "anthropic-version", "2023-06-01")::get);
    }

    @Test
    void aToolUseConversationWithThinkingImagesAndDocuments() throws Exception {
        MessagesRequest request = parse("""
                {"model": "claude", "max_tokens": 100, "stream": true, "temperature": 0.2, "top_k": 5,
                 "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}},
                            {"type": "text", "text": "Use tools."}],
                 "metadata": {"user_id": "u-1"}, "stop_sequences": ["END"],
                 "tools": [{"name": "get_weather", "description": "Weather", "input_schema": {"type": "object"}},
                           {"type": "web_search_20250305", "name": "web_search"}],
                 "tool_choice": {"type": "any", "disable_parallel_tool_use": true},
                 "thinking": {"type": "enabled", "budget_tokens": 2000},
                 "messages": [
                   {"role": "user", "content": [
                     {"type": "text", "text": "Weather here?"},
                     {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBO"}},
                     {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "Notes"}, "title": "n.txt"}]},
                   {"role": "assistant", "content": [
                     {"type": "thinking", "thinking": "Call it.", "signature": "sig"},
                     {"type": "text", "text": "Checking."},
                     {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}]},
                   {"role": "user", "content": [
                     {"type": "tool_result", "tool_use_id": "toolu_1", "is_error": true,
                      "content": [{"type": "text", "text": "no network"}]},
                     {"type": "text", "text": "Try again."}]}]}
                """);
        ChatRequest chat = MessagesToChat.translate(request);

        assertThat(chat.model()).isEqualTo("claude");
        assertThat(chat.isStream()).isTrue();
        assertThat(chat.streamOptions().wantsUsage()).isTrue();
        assertThat(chat.maxCompletionTokens()).isEqualTo(100);
        assertThat(chat.temperature()).isEqualTo(0.2);
        assertThat(chat.stop()).containsExactly("END");
        assertThat(chat.user()).isEqualTo("u-1");
        assertThat(chat.messages()).extracting(Message::role)
                .containsExactly("system", "user", "assistant", "tool", "user");
        assertThat(chat.messages().get(0).text()).isEqualTo("Be brief.\n\nUse tools.");
        MessageContent.Parts parts = (MessageContent.Parts) chat.messages().get(1).content();
        assertThat(parts.parts()).extracting(ContentPart::type).containsExactly("text", "image_url", "text");
        assertThat(parts.parts().get(1).imageUrl().url()).isEqualTo("data:image/png;base64,iVBO");
        assertThat(parts.parts().get(2).text()).isEqualTo("n.txt\n\nNotes");
        Message assistant = chat.messages().get(2);
        assertThat(assistant.text()).isEqualTo("Checking.");
        assertThat(assistant.toolCalls().getFirst().id()).isEqualTo("toolu_1");
        assertThat(Json.mapper().readTree(assistant.toolCalls().getFirst().function().arguments()))
                .isEqualTo(Json.mapper().readTree("{\"city\":\"Paris\"}"));
        assertThat(chat.messages().get(3).toolCallId()).isEqualTo("toolu_1");
        assertThat(chat.messages().get(3).text()).isEqualTo("Error: no network");
        assertThat(chat.messages().get(4).text()).isEqualTo("Try again.");
        assertThat(chat.tools()).hasSize(1);
        assertThat(chat.tools().getFirst().function().name()).isEqualTo("get_weather");
        assertThat(chat.toolChoice().textValue()).isEqualTo("required");
        assertThat(chat.extra().get("parallel_tool_calls").booleanValue()).isFalse();
        assertThat(chat.extra()).doesNotContainKeys("thinking", "top_k", "metadata");

        JsonNode origin = chat.extra().get(AnthropicOrigin.REQUEST);
        JsonNode expectedBody = request.body().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) expectedBody).remove(java.util.List.of("model", "stream"));
        assertThat(origin.get("body")).isEqualTo(expectedBody);
        assertThat(origin.get("headers").get("anthropic-beta").textValue()).isEqualTo("b1");
        assertThat(origin.get("headers").get("anthropic-version").textValue()).isEqualTo("2023-06-01");
    }

    @Test
    void toolChoicesAndAPlainUserString() {
        String tools = "\"tools\": [{\"name\": \"f\", \"input_schema\": {\"type\": \"object\"}}], ";
        ChatRequest named = MessagesToChat.translate(parse("{\"model\": \"m\", \"max_tokens\": 5, " + tools
                + "\"tool_choice\": {\"type\": \"tool\", \"name\": \"f\"}, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"));
        ChatRequest none = MessagesToChat.translate(parse("{\"model\": \"m\", \"max_tokens\": 5, " + tools
                + "\"tool_choice\": {\"type\": \"none\"}, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"));

        assertThat(named.toolChoice().path("function").path("name").asText()).isEqualTo("f");
        assertThat(none.toolChoice().textValue()).isEqualTo("none");
        assertThat(named.messages().getFirst().content()).isEqualTo(MessageContent.of("hi"));
        assertThat(named.isStream()).isFalse();
    }

    /** Claude Code's mid-conversation system messages (beta mid-conversation-system-2026-04-07), as it sends them. */
    @Test
    void aMidConversationSystemMessageStaysWhereItStands() {
        ChatRequest chat = MessagesToChat.translate(parse("""
                {"model": "auto", "max_tokens": 32000, "thinking": {"type": "adaptive"},
                 "output_config": {"effort": "high"}, "context_management": {"edits": [{"type": "clear_thinking_20251015"}]},
                 "system": "You are Claude Code.",
                 "messages": [
                   {"role": "user", "content": [{"type": "text", "text": "Say hello", "cache_control": {"type": "ephemeral"}}]},
                   {"role": "system", "content": "Available agent types: claude."},
                   {"role": "system", "content": [{"type": "text", "text": "Skills: none."}]}]}
                """));

        assertThat(chat.messages()).extracting(Message::role).containsExactly("system", "user", "system", "system");
        assertThat(chat.messages().get(2).text()).isEqualTo("Available agent types: claude.");
        assertThat(chat.messages().get(3).text()).isEqualTo("Skills: none.");
    }

    @Test
    void invalidRequestsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> parse("{\"model\": \"m\", \"messages\": []}"))
                .isInstanceOf(InvalidRequestError.class).hasMessageContaining("max_tokens");
        assertThatThrownBy(() -> parse("{\"model\": \"m\", \"max_tokens\": 5, \"messages\": [{\"role\": \"tool\", \"content\": \"x\"}]}"))
                .isInstanceOf(InvalidRequestError.class).hasMessageContaining("messages[0].role");
        assertThatThrownBy(() -> parse("{\"model\": \"m\", \"max_tokens\": 5, \"messages\": [{\"role\": \"user\", "
                + "\"content\": [{\"type\": \"tool_use\", \"id\": \"t\", \"name\": \"f\"}]}]}"))
                .isInstanceOf(InvalidRequestError.class).hasMessageContaining("messages[0].content[0].input");
        assertThatThrownBy(() -> parse("{\"model\": \"m\", \"max_tokens\": 5, \"tool_choice\": {\"type\": \"required\"}, "
                + "\"messages\": []}")).isInstanceOf(InvalidRequestError.class).hasMessageContaining("tool_choice");
        assertThatThrownBy(() -> parse("{\"model\": \"m\", \"max_tokens\": 5, \"temperature\": 1.5, \"messages\": []}"))
                .isInstanceOf(InvalidRequestError.class).hasMessageContaining("temperature");
        assertThat(MessagesRequestParser.parseTokenCount("{\"model\": \"m\", \"messages\": []}"
                .getBytes(StandardCharsets.UTF_8), name -> null).model()).isEqualTo("m");
    }
}
