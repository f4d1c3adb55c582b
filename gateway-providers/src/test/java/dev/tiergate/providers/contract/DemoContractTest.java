package dev.tiergate.providers.contract;

import dev.tiergate.core.config.ProviderConfig;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderCapability;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import dev.tiergate.providers.demo.DemoAdapter;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The contract for the built-in demo model. It calls no upstream, so error and fault scenarios are
 * skipped; it declares no tools or images, so those are skipped too.
 */
class DemoContractTest extends ProviderContractTest {
    /** What demo-small answers "Say hello": the answer is a deterministic function of model and question. */
    private static final String ANSWER = "[demo-small] You asked: \"Say hello\". This answer comes from Tiergate's"
            + " built-in demo provider, a simulated model. The alias auto picks a tier of models; each tier has its"
            + " own demo model. (answer 405650ea)";

    @Override
    protected ProviderAdapter newAdapter(URI upstream, Duration readTimeout) {
        return new DemoAdapter(new ProviderConfig(PROVIDER_ID, "demo", null, null, null, null, 0, Map.of(),
                Map.of("first-token-ms", "1", "chunk-delay-ms", "0")), JtokkitTokenCounter.o200k());
    }

    @Override
    protected Set<ProviderCapability> declaredCapabilities() {
        return EnumSet.of(ProviderCapability.CHAT, ProviderCapability.CHAT_STREAM, ProviderCapability.EMBEDDINGS);
    }

    @Override
    protected String model() {
        return "demo-small";
    }

    @Override
    protected boolean hasUpstream() {
        return false;
    }

    @Override
    protected Reply chatReply() {
        return new Reply(null, ANSWER);
    }

    @Override
    protected Reply streamReply() {
        return new Reply(null, ANSWER);
    }
}
