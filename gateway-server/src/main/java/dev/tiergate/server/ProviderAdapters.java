package dev.tiergate.server;

import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.providers.anthropic.AnthropicAdapter;
import dev.tiergate.providers.demo.DemoAdapter;
import dev.tiergate.providers.gemini.GeminiAdapter;
import dev.tiergate.providers.openai.OpenAiAdapter;

/** The adapter for each provider {@code type}; {@code tokens} counts the demo provider's usage. */
final class ProviderAdapters {
    private ProviderAdapters() {
    }

    static ProviderAdapterFactory factory(TokenCounter tokens) {
        return (ProviderConfig config) -> switch (config.type()) {
            case "openai" -> new OpenAiAdapter(config);
            case "anthropic" -> new AnthropicAdapter(config);
            case "gemini" -> new GeminiAdapter(config);
            case "demo" -> new DemoAdapter(config, tokens);
            default -> throw new IllegalArgumentException("provider '" + config.id() + "': type '" + config.type()
                    + "' has no adapter");
        };
    }
}
