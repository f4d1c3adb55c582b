package dev.tiergate.core.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.testing.FakeProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ForwardingProviderAdapterTest {
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final FakeProvider fake = new FakeProvider("fake");
    /** Overrides only close, to see it arrive. */
    private final ProviderAdapter closeRecording = new ForwardingProviderAdapter(fake) {
        @Override
        public void close() {
            closed.set(true);
        }
    };
    /** Overrides nothing: every call must reach the fake. */
    private final ProviderAdapter forwarding = new ForwardingProviderAdapter(closeRecording) {
    };

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void forwardsEveryMethodToTheDelegate() throws Exception {
        assertThat(forwarding.id()).isEqualTo("fake");
        assertThat(forwarding.capabilities()).isEqualTo(fake.capabilities());

        assertThat(forwarding.chat(call("echo")).toCompletableFuture().get(5, TimeUnit.SECONDS)
                .choices().getFirst().message().text()).isEqualTo("fake/echo: hi");
        assertThat(forwarding.chatStream(call("echo")).collectList().block(Duration.ofSeconds(5)))
                .extracting(ChatChunk::finishReason).last().isEqualTo("stop");
        assertThat(fake.calls("echo")).isEqualTo(2);

        EmbeddingRequest embed = new EmbeddingRequest("e", null, null, null, null, Map.of());
        assertThatThrownBy(() -> forwarding.embed(new EmbeddingCall("r", embed, model("e"), executor))
                .toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(UpstreamError.class);

        forwarding.close();
        assertThat(closed).isTrue();
    }

    @Test
    void refusesANullDelegate() {
        assertThatThrownBy(() -> new ForwardingProviderAdapter(null) {
        }).isInstanceOf(NullPointerException.class).hasMessage("delegate");
    }

    private ProviderCall call(String upstreamModel) {
        return new ProviderCall("r", ChatRequest.of(upstreamModel, List.of(Message.user("hi"))), model(upstreamModel),
                executor);
    }

    private static ModelConfig model(String name) {
        return new ModelConfig(name, "fake", name, ModelConfig.CHAT, null);
    }
}
