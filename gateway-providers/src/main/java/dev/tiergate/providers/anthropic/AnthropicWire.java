package dev.tiergate.providers.anthropic;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.model.Extras;
import java.util.List;
import java.util.Map;

/**
 * The Anthropic Messages API wire format, as far as the gateway reads and writes it. Field names
 * are snake_case, like the shared mapper writes them; unknown response fields are ignored.
 */
final class AnthropicWire {
    private AnthropicWire() {
    }

    /** {@code POST /v1/messages}; {@code extra} carries Anthropic-only fields the client sent (top_k, thinking, ...). */
    record MessagesRequest(
            String model,
            int maxTokens,
            List<WireMessage> messages,
            JsonNode system,
            Double temperature,
            Double topP,
            List<String> stopSequences,
            List<WireTool> tools,
            ToolChoice toolChoice,
            Metadata metadata,
            Boolean stream,
            @JsonAnyGetter Map<String, JsonNode> extra) {
        MessagesRequest {
            extra = Extras.copy(extra);
        }
    }

    /** A {@code user} or {@code assistant} turn. */
    record WireMessage(String role, List<Block> content) {
    }

    /**
     * A content block: {@code text}, {@code image} (with {@code source}), {@code tool_use}
     * ({@code id}, {@code name}, {@code input}) or {@code tool_result} ({@code tool_use_id}, {@code content});
     * {@code cache_control} marks a prompt-cache breakpoint after it.
     */
    record Block(String type, String text, ImageSource source, String id, String name, JsonNode input,
                 String toolUseId, JsonNode content, JsonNode cacheControl) {
        static Block text(String text) {
            return new Block("text", text, null, null, null, null, null, null, null);
        }

        static Block image(ImageSource source) {
            return new Block("image", null, source, null, null, null, null, null, null);
        }

        static Block toolUse(String id, String name, JsonNode input) {
            return new Block("tool_use", null, null, id, name, input, null, null, null);
        }

        static Block toolResult(String toolUseId, JsonNode content) {
            return new Block("tool_result", null, null, null, null, null, toolUseId, content, null);
        }

        /** This block with a client's breakpoint (null: none). */
        Block withCacheControl(JsonNode breakpoint) {
            return new Block(type, text, source, id, name, input, toolUseId, content, breakpoint);
        }
    }

    /** {@code base64} ({@code media_type}, {@code data}) or {@code url}. */
    record ImageSource(String type, String mediaType, String data, String url) {
    }

    record WireTool(String name, String description, JsonNode inputSchema, JsonNode cacheControl) {
    }

    /** {@code auto}, {@code any}, {@code none} or {@code tool} with a name. */
    record ToolChoice(String type, String name, Boolean disableParallelToolUse) {
    }

    record Metadata(String userId) {
    }

    /** A complete message, and the skeleton in {@code message_start}. */
    record MessagesResponse(String id, String type, String role, List<Block> content, String model,
                            String stopReason, String stopSequence, WireUsage usage) {
    }

    /** {@code cache_creation} splits the cache writes by lifetime (5 minutes, 1 hour). */
    record WireUsage(Integer inputTokens, Integer outputTokens, Integer cacheCreationInputTokens,
                     Integer cacheReadInputTokens, CacheCreation cacheCreation) {
        static final WireUsage EMPTY = new WireUsage(null, null, null, null, null);

        /** This usage with the fields {@code later} reports replaced (message_delta counts are cumulative). */
        WireUsage merge(WireUsage later) {
            if (later == null) {
                return this;
            }
            return new WireUsage(
                    later.inputTokens != null ? later.inputTokens : inputTokens,
                    later.outputTokens != null ? later.outputTokens : outputTokens,
                    later.cacheCreationInputTokens != null ? later.cacheCreationInputTokens : cacheCreationInputTokens,
                    later.cacheReadInputTokens != null ? later.cacheReadInputTokens : cacheReadInputTokens,
                    later.cacheCreation != null ? later.cacheCreation : cacheCreation);
        }
    }

    /** Cache writes by lifetime. */
    record CacheCreation(@JsonProperty("ephemeral_5m_input_tokens") Integer ephemeral5mInputTokens,
                         @JsonProperty("ephemeral_1h_input_tokens") Integer ephemeral1hInputTokens) {
    }

    /** One streamed event; which fields are set depends on {@code type}. */
    record StreamEvent(String type, Integer index, MessagesResponse message, Block contentBlock,
                       StreamDelta delta, WireUsage usage) {
    }

    /** {@code text_delta} / {@code input_json_delta} of a block, or the stop reason of {@code message_delta}. */
    record StreamDelta(String type, String text, String partialJson, String stopReason, String stopSequence) {
    }
}
