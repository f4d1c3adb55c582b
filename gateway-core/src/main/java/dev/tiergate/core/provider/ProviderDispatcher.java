package dev.tiergate.core.provider;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ServerConfig;
import dev.tiergate.core.pipeline.Attributes;
import dev.tiergate.core.pipeline.ChatExchange;
import dev.tiergate.core.pipeline.ChatHandler;
import dev.tiergate.core.pipeline.ChatResult;
import dev.tiergate.core.resilience.CircuitBreakerPolicy;
import dev.tiergate.core.resilience.CircuitBreakers;
import dev.tiergate.core.resilience.RetryPolicy;
import dev.tiergate.core.resilience.UpstreamAttemptListener;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.random.RandomGenerator;

/**
 * The end of the pipeline: resolves the requested model (an alias through the tier a router
 * chose) into the models to try and calls their providers, with retries, fallbacks, escalation to
 * stronger tiers, per-provider circuit breakers and weighted deployments, all within one deadline
 * (see {@link ResilientCall}). The answer's metadata names the provider and model that answered,
 * with {@code x-tiergate-attempts} and, when another model than the first answered,
 * {@code x-tiergate-fallback-from}.
 */
public final class ProviderDispatcher implements ChatHandler {
    public static final String ATTEMPTS_HEADER = "x-tiergate-attempts";
    public static final String FALLBACK_FROM_HEADER = "x-tiergate-fallback-from";

    final ModelCatalog catalog;
    final Map<String, ProviderAdapter> adapters;
    final RetryPolicy retry;
    final Duration deadline;
    final CircuitBreakers breakers;
    final UpstreamAttemptListener listener;
    final Clock clock;
    final RandomGenerator random;

    private ProviderDispatcher(Builder b) {
        this.catalog = b.catalog;
        this.adapters = Map.copyOf(b.adapters);
        this.retry = b.retry;
        this.deadline = b.deadline;
        this.listener = b.listener;
        this.clock = b.clock;
        this.random = b.random;
        this.breakers = new CircuitBreakers(b.circuitBreaker, b.clock, b.listener);
    }

    /** A dispatcher with the default retry and breaker policies and the default request timeout as deadline. */
    public ProviderDispatcher(ModelCatalog catalog, Map<String, ProviderAdapter> adapters) {
        this(builder(catalog, adapters));
    }

    public static Builder builder(ModelCatalog catalog, Map<String, ProviderAdapter> adapters) {
        return new Builder(catalog, adapters);
    }

    /** The breakers, one per provider (for tests and health reporting). */
    public CircuitBreakers breakers() {
        return breakers;
    }

    @Override
    public CompletionStage<ChatResult> handle(ChatExchange exchange) {
        ModelCatalog.Resolution resolution = catalog.resolveChat(
                exchange.caller().team(), exchange.request().model(), exchange.attribute(Attributes.TIER));
        return new ResilientCall(this, exchange, resolution.candidates()).start();
    }

    /** Settings of a {@link ProviderDispatcher}; every one has a default. */
    public static final class Builder {
        private final ModelCatalog catalog;
        private final Map<String, ProviderAdapter> adapters;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private CircuitBreakerPolicy circuitBreaker = CircuitBreakerPolicy.DEFAULT;
        private Duration deadline = ServerConfig.defaults().requestTimeout();
        private UpstreamAttemptListener listener = UpstreamAttemptListener.NONE;
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random = new Random();

        private Builder(ModelCatalog catalog, Map<String, ProviderAdapter> adapters) {
            this.catalog = requireNonNull(catalog, "catalog");
            this.adapters = requireNonNull(adapters, "adapters");
        }

        /** Retry, breaker and deadline from the config's {@code resilience:} and {@code server:}. */
        public Builder config(GatewayConfig config) {
            return retry(config.resilience().retry())
                    .circuitBreaker(config.resilience().circuitBreaker())
                    .deadline(config.deadline());
        }

        /** The policy of models that have none of their own. */
        public Builder retry(RetryPolicy policy) {
            this.retry = requireNonNull(policy, "policy");
            return this;
        }

        public Builder circuitBreaker(CircuitBreakerPolicy policy) {
            this.circuitBreaker = requireNonNull(policy, "policy");
            return this;
        }

        /** Bound on all attempts of one request together (for a stream: until its first chunk). */
        public Builder deadline(Duration bound) {
            requireNonNull(bound, "bound");
            if (bound.isNegative() || bound.isZero()) {
                throw new IllegalArgumentException("deadline: " + bound + " (expected: > 0)");
            }
            this.deadline = bound;
            return this;
        }

        public Builder listener(UpstreamAttemptListener attemptListener) {
            this.listener = requireNonNull(attemptListener, "attemptListener");
            return this;
        }

        /** Time for breaker cool-downs and attempt durations. */
        public Builder clock(Clock time) {
            this.clock = requireNonNull(time, "time");
            return this;
        }

        /** Randomness for weighted picking and jitter; must be safe for concurrent use. */
        public Builder random(RandomGenerator generator) {
            this.random = requireNonNull(generator, "generator");
            return this;
        }

        public ProviderDispatcher build() {
            return new ProviderDispatcher(this);
        }
    }
}
