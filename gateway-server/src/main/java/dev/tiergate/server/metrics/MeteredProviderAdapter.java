package dev.tiergate.server.metrics;

import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.provider.ForwardingProviderAdapter;
import dev.tiergate.core.provider.ProviderAdapter;
import dev.tiergate.core.provider.ProviderCall;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;

/**
 * Times every call of an adapter as one upstream attempt, {@code tiergate.upstream.attempts}
 * tagged with provider, model and outcome ({@code ok}, {@code error_<status>} or {@code cancelled}). A
 * stream is timed to its first chunk: the latency the upstream adds before the client sees text.
 * Each model and outcome's timer is looked up in the registry once, then kept (models come from the
 * config, outcomes are a few).
 */
final class MeteredProviderAdapter extends ForwardingProviderAdapter {
    private final MeterRegistry registry;
    private final Duration[] buckets;
    private final Map<AttemptLabels, Timer> timers = new ConcurrentHashMap<>();

    MeteredProviderAdapter(ProviderAdapter delegate, MeterRegistry registry, Duration[] buckets) {
        super(delegate);
        this.registry = registry;
        this.buckets = buckets;
    }

    @Override
    public CompletionStage<ChatCompletion> chat(ProviderCall call) {
        long start = System.nanoTime();
        return super.chat(call).whenComplete((completion, error) ->
                attempt(call, error == null ? "ok" : outcome(error), start));
    }

    @Override
    public Flux<ChatChunk> chatStream(ProviderCall call) {
        return Flux.defer(() -> {
            long start = System.nanoTime();
            AtomicBoolean counted = new AtomicBoolean();
            return super.chatStream(call)
                    .doOnNext(chunk -> {
                        if (counted.compareAndSet(false, true)) {
                            attempt(call, "ok", start);
                        }
                    })
                    .doOnError(error -> {
                        if (counted.compareAndSet(false, true)) {
                            attempt(call, outcome(error), start);
                        }
                    })
                    .doOnCancel(() -> {
                        if (counted.compareAndSet(false, true)) {
                            attempt(call, "cancelled", start);
                        }
                    });
        });
    }

    private void attempt(ProviderCall call, String outcome, long startNanos) {
        timers.computeIfAbsent(new AttemptLabels(call.model().name(), outcome), this::timer)
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(AttemptLabels labels) {
        return Timer.builder("tiergate.upstream.attempts")
                .description("Calls to providers: count and latency (streams: to the first chunk)")
                .tags("provider", id(), "model", labels.model(), "outcome", labels.outcome())
                .serviceLevelObjectives(buckets)
                .register(registry);
    }

    private record AttemptLabels(String model, String outcome) {
    }

    private static String outcome(Throwable error) {
        return "error_" + GatewayError.from(error).status();
    }
}
