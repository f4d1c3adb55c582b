package dev.tiergate.providers.internal;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderCapability;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** What every adapter declares the same way: the provider id from its config and a fixed set of capabilities. */
public abstract class AbstractProviderAdapter implements ProviderAdapter {
    private final String id;
    private final Set<ProviderCapability> capabilities;

    protected AbstractProviderAdapter(String id, Set<ProviderCapability> capabilities) {
        this.id = requireNonNull(id, "config.id");
        this.capabilities = Collections.unmodifiableSet(EnumSet.copyOf(capabilities));
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Set<ProviderCapability> capabilities() {
        return capabilities;
    }
}
