package dev.tiergate.providers.contract;

import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderCapability;
import dev.tiergate.providers.anthropic.AnthropicAdapter;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The contract against Anthropic's Messages API wire format. No embeddings: Anthropic has no such API. */
class AnthropicContractTest extends ProviderContractTest {

    @Override
    protected ProviderAdapter newAdapter(URI upstream, Duration readTimeout) {
        return new AnthropicAdapter(new ProviderConfig(PROVIDER_ID, "anthropic", URI.create(upstream + "/v1"),
                "sk-ant-test", Duration.ofSeconds(2), readTimeout, 8, Map.of(), Map.of()));
    }

    @Override
    protected Set<ProviderCapability> declaredCapabilities() {
        return EnumSet.of(ProviderCapability.CHAT, ProviderCapability.CHAT_STREAM, ProviderCapability.TOOLS,
                ProviderCapability.IMAGES);
    }

    @Override
    protected String model() {
        return "claude-sonnet-4-5";
    }

    @Override
    protected boolean hasUpstream() {
        return true;
    }

    @Override
    protected String fixtures() {
        return "anthropic";
    }

    @Override
    protected String chatPath(boolean stream) {
        return "/v1/messages";
    }

    @Override
    protected Reply chatReply() {
        return new Reply("message.json", "Hello there.");
    }

    @Override
    protected Reply streamReply() {
        return new Reply("text.sse", "Hello wörld 🎉");
    }

    @Override
    protected ToolReply toolChatReply() {
        return new ToolReply("tool-use.json", "get_weather",
                "{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}");
    }

    @Override
    protected ToolReply toolStreamReply() {
        return new ToolReply("tool-use.sse", "get_weather", "{\"location\":\"San Francisco, CA\"}");
    }

    @Override
    protected ErrorReply badRequestReply() {
        return new ErrorReply(400, "error-400.json", "messages: roles must alternate between \"user\" and"
                + " \"assistant\", but found multiple \"user\" roles in a row", "invalid_request_error");
    }

    @Override
    protected ErrorReply serverErrorReply() {
        return new ErrorReply(500, "error-500.json", "Internal server error", "api_error");
    }

    @Override
    protected ErrorReply rateLimitReply() {
        return new ErrorReply(429, "error-429.json",
                "This request would exceed the rate limit for your organization of 50 input tokens per minute.",
                "rate_limit_error");
    }

    @Override
    protected ErrorReply midStreamErrorReply() {
        return new ErrorReply(200, "mid-stream-error.sse", "Overloaded", "overloaded_error");
    }
}
