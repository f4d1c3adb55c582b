package dev.tiergate.providers.contract;

import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderCapability;
import dev.tiergate.providers.gemini.GeminiAdapter;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The contract against the Gemini API wire format ({@code generateContent}, {@code streamGenerateContent?alt=sse}). */
class GeminiContractTest extends ProviderContractTest {

    @Override
    protected ProviderAdapter newAdapter(URI upstream, Duration readTimeout) {
        return new GeminiAdapter(new ProviderConfig(PROVIDER_ID, "gemini", URI.create(upstream + "/v1beta"),
                "goog-key", Duration.ofSeconds(2), readTimeout, 8, Map.of(), Map.of()));
    }

    @Override
    protected Set<ProviderCapability> declaredCapabilities() {
        return EnumSet.allOf(ProviderCapability.class);
    }

    @Override
    protected String model() {
        return "gemini-2.5-flash";
    }

    @Override
    protected boolean hasUpstream() {
        return true;
    }

    @Override
    protected String fixtures() {
        return "gemini";
    }

    @Override
    protected String chatPath(boolean stream) {
        return stream ? "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
                : "/v1beta/models/gemini-2.5-flash:generateContent";
    }

    @Override
    protected String embeddingsPath(String model) {
        return "/v1beta/models/" + model + ":batchEmbedContents";
    }

    @Override
    protected Reply chatReply() {
        return new Reply("text.json", "Hello there.");
    }

    @Override
    protected Reply streamReply() {
        return new Reply("text.sse", "Hello wörld 🎉!");
    }

    @Override
    protected ToolReply toolChatReply() {
        return new ToolReply("function-call.json", "get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}");
    }

    @Override
    protected ToolReply toolStreamReply() {
        return new ToolReply("function-call.sse", "get_weather", "{\"city\":\"Paris\"}");
    }

    @Override
    protected ErrorReply badRequestReply() {
        return new ErrorReply(400, "error-400.json",
                "* GenerateContentRequest.contents: contents is not specified\n", "INVALID_ARGUMENT");
    }

    @Override
    protected ErrorReply serverErrorReply() {
        return new ErrorReply(503, "error-503.json",
                "The model is overloaded. Please try again later.", "UNAVAILABLE");
    }

    @Override
    protected ErrorReply rateLimitReply() {
        return new ErrorReply(429, "error-429.json",
                "You exceeded your current quota, please check your plan and billing details.", "RESOURCE_EXHAUSTED");
    }

    @Override
    protected ErrorReply midStreamErrorReply() {
        return new ErrorReply(200, "mid-stream-error.sse",
                "The model is overloaded. Please try again later.", "UNAVAILABLE");
    }

    @Override
    protected String embeddingsFixture() {
        return "embeddings.json";
    }
}
