package dev.tiergate.server;

import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.provider.ProviderAdapter;

/** Creates the adapter for a configured provider, by its {@code type}. */
interface ProviderAdapterFactory {
    ProviderAdapter create(ProviderConfig config);
}
