package dev.tiergate.server;

import dev.tiergate.core.config.ProviderConfig;
import io.netty.channel.EventLoopGroup;

/** The adapter for each provider {@code type}. */
final class ProviderAdapters {
    private ProviderAdapters() {
    }

    static ProviderAdapterFactory factory(EventLoopGroup group) {
        return (ProviderConfig config) -> {
            throw new IllegalArgumentException("provider '" + config.id() + "': type '" + config.type()
                    + "' has no adapter yet");
        };
    }
}
