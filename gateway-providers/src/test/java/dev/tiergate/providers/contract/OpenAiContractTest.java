package dev.tiergate.providers.contract;

import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderCapability;
import dev.tiergate.providers.openai.OpenAiAdapter;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The contract against an OpenAI-compatible upstream, in OpenAI's wire format. */
class OpenAiContractTest extends ProviderContractTest {

    @Override
    protected ProviderAdapter newAdapter(URI upstream, Duration readTimeout) {
        return new OpenAiAdapter(new ProviderConfig(PROVIDER_ID, "openai", URI.create(upstream + "/v1"), "sk-test",
                Duration.ofSeconds(2), readTimeout, 8, Map.of(), Map.of()));
    }

    @Override
    protected Set<ProviderCapability> declaredCapabilities() {
        return EnumSet.allOf(ProviderCapability.class);
    }

    @Override
    protected String model() {
        return "gpt-4o-mini";
    }

    @Override
    protected boolean hasUpstream() {
        return true;
    }

    @Override
    protected String fixtures() {
        return "openai";
    }

    @Override
    protected String chatPath(boolean stream) {
        return "/v1/chat/completions";
    }

    @Override
    protected String embeddingsPath(String model) {
        return "/v1/embeddings";
    }

    @Override
    protected Reply chatReply() {
        return new Reply("completion.json", "Hello there.");
    }

    @Override
    protected Reply streamReply() {
        return new Reply("text.sse", "Hello wörld 🎉");
    }

    @Override
    protected ToolReply toolChatReply() {
        return new ToolReply("tool-calls.json", "get_weather", "{\"city\":\"Paris\"}");
    }

    @Override
    protected ToolReply toolStreamReply() {
        return new ToolReply("tool-calls.sse", "get_weather", "{\"city\":\"Paris\"}");
    }

    @Override
    protected ErrorReply badRequestReply() {
        return new ErrorReply(400, "error-400.json",
                "Invalid value for 'temperature': must be <= 2.", "invalid_value");
    }

    @Override
    protected ErrorReply serverErrorReply() {
        return new ErrorReply(500, "error-500.json",
                "The server had an error while processing your request. Sorry about that!", "server_error");
    }

    @Override
    protected ErrorReply rateLimitReply() {
        return new ErrorReply(429, "error-429.json",
                "Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3.",
                "rate_limit_exceeded");
    }

    @Override
    protected ErrorReply midStreamErrorReply() {
        return new ErrorReply(200, "mid-stream-error.sse",
                "The server had an error while processing your request.", "server_error");
    }

    @Override
    protected String embeddingsFixture() {
        return "embeddings.json";
    }
}
