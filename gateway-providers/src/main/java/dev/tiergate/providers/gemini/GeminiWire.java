package dev.tiergate.providers.gemini;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.Extras;
import java.util.List;
import java.util.Map;

/**
 * The Gemini API ({@code generativelanguage.googleapis.com/v1beta}) wire format, as far as the
 * gateway reads and writes it. Field names are camelCase: use {@link #mapper()}.
 */
final class GeminiWire {
    private static final ObjectMapper MAPPER = Json.mapper().copy()
            .setPropertyNamingStrategy(PropertyNamingStrategies.LOWER_CAMEL_CASE);

    private GeminiWire() {
    }

    /** The shared settings (nulls omitted, unknown fields ignored) with camelCase names. */
    static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@code generateContent} and {@code streamGenerateContent}; {@code extra} carries Gemini-only fields (safetySettings, cachedContent, ...). */
    record GenerateContentRequest(
            List<Content> contents,
            Content systemInstruction,
            List<WireTool> tools,
            ToolConfig toolConfig,
            GenerationConfig generationConfig,
            @JsonAnyGetter Map<String, JsonNode> extra) {
        GenerateContentRequest {
            extra = Extras.copy(extra);
        }
    }

    /** A {@code user} or {@code model} turn; no role in {@code systemInstruction}. */
    record Content(String role, List<Part> parts) {
    }

    /**
     * One of text, inline data, file data, a function call or a function response; {@code thought}
     * marks reasoning; {@code thoughtSignature} (Gemini 3) is the opaque signature of the reasoning
     * behind the part, which Gemini requires back with the function call it came with.
     */
    record Part(String text, Blob inlineData, FileData fileData, FunctionCall functionCall,
                FunctionResponse functionResponse, Boolean thought, String thoughtSignature) {
        static Part text(String text) {
            return new Part(text, null, null, null, null, null, null);
        }

        static Part inline(String mimeType, String data) {
            return new Part(null, new Blob(mimeType, data), null, null, null, null, null);
        }

        static Part file(String mimeType, String uri) {
            return new Part(null, null, new FileData(mimeType, uri), null, null, null, null);
        }

        static Part call(String name, JsonNode args, String thoughtSignature) {
            return new Part(null, null, null, new FunctionCall(null, name, args), null, null, thoughtSignature);
        }

        static Part response(String name, JsonNode response) {
            return new Part(null, null, null, null, new FunctionResponse(null, name, response), null, null);
        }
    }

    record Blob(String mimeType, String data) {
    }

    record FileData(String mimeType, String fileUri) {
    }

    record FunctionCall(String id, String name, JsonNode args) {
    }

    record FunctionResponse(String id, String name, JsonNode response) {
    }

    record WireTool(List<FunctionDeclaration> functionDeclarations) {
    }

    record FunctionDeclaration(String name, String description, JsonNode parameters) {
    }

    record ToolConfig(FunctionCallingConfig functionCallingConfig) {
    }

    /** {@code AUTO}, {@code ANY} (optionally limited to names) or {@code NONE}. */
    record FunctionCallingConfig(String mode, List<String> allowedFunctionNames) {
    }

    record GenerationConfig(Double temperature, Double topP, Integer maxOutputTokens, List<String> stopSequences,
                            Integer candidateCount, Long seed, Double presencePenalty, Double frequencyPenalty,
                            String responseMimeType, JsonNode responseSchema) {
        boolean isEmpty() {
            return equals(new GenerationConfig(null, null, null, null, null, null, null, null, null, null));
        }
    }

    /** A whole answer, or one streamed piece of it. */
    record GenerateContentResponse(List<Candidate> candidates, PromptFeedback promptFeedback,
                                   UsageMetadata usageMetadata, String modelVersion, String responseId) {
    }

    record Candidate(Content content, String finishReason, Integer index) {
    }

    record PromptFeedback(String blockReason) {
    }

    record UsageMetadata(Integer promptTokenCount, Integer candidatesTokenCount, Integer totalTokenCount,
                         Integer cachedContentTokenCount, Integer thoughtsTokenCount) {
    }

    /** {@code batchEmbedContents}. */
    record BatchEmbedRequest(List<EmbedRequest> requests) {
    }

    record EmbedRequest(String model, Content content, Integer outputDimensionality) {
    }

    record BatchEmbedResponse(List<Embedding> embeddings) {
    }

    record Embedding(float[] values) {
    }
}
