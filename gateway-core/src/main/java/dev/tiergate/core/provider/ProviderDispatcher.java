package dev.tiergate.core.provider;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.Terminal;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.core.resilience.CircuitBreakerPolicy;
import dev.tiergate.core.resilience.CircuitBreakers;
import dev.tiergate.core.resilience.RetryPolicy;
import dev.tiergate.core.resilience.UpstreamAttemptListener;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.random.RandomGenerator;

/**
 * The end of every pipeline: resolves the requested model (an alias through the tier the router
 * chose) into the models to try and calls their providers, with retries, fallbacks, escalation to
 * stronger tiers, per-provider circuit breakers and weighted deployments, all within the request's
 * one {@link dev.tiergate.core.pipeline.Deadline} (see {@link ResilientCall}). Chat (plain and
 * streamed) and embeddings take the same way. Who answered, after how many attempts and from
 * which model it fell back, is left in the request's {@link dev.tiergate.core.pipeline.Served} fact.
 */
public final class ProviderDispatcher implements Terminal {
    final ModelCatalog catalog;
    final Map<String, ProviderAdapter> adapters;
    final RetryPolicy retry;
    final CircuitBreakers breakers;
    final UpstreamAttemptListener listener;
    final Clock clock;
    final RandomGenerator random;

    private ProviderDispatcher(Builder b) {
        this.catalog = b.catalog;
        this.adapters = Map.copyOf(b.adapters);
        this.retry = b.retry;
        this.listener = b.listener;
        this.clock = b.clock;
        this.random = b.random;
        this.breakers = new CircuitBreakers(b.circuitBreaker, b.clock, b.listener);
    }

    public static Builder builder(ModelCatalog catalog, Map<String, ProviderAdapter> adapters) {
        return new Builder(catalog, adapters);
    }

    @Override
    public CompletionStage<Answer> answer(Exchange exchange) {
        TeamConfig team = exchange.caller().team();
        return switch (exchange.request()) {
            case ChatRequest chat -> {
                RouteDecision route = exchange.facts().route().get();
                String degraded = exchange.facts().degradedTier().get();
                String tier = degraded != null ? degraded : route == null ? null : route.tier();
                List<ModelCatalog.Candidate> candidates = catalog.resolveChat(team, chat.model(), tier).candidates();
                if (degraded != null) {
                    // Held to the cheap tier by the team's budget: no escalation to dearer ones.
                    candidates = candidates.stream().filter(c -> degraded.equals(c.tier())).toList();
                }
                PromptCaching caching = PromptCaching.of(team, chat);
                UpstreamOperation operation = chat.isStream()
                        ? new UpstreamOperation.ChatStream(chat, caching, exchange.passThrough())
                        : new UpstreamOperation.ChatComplete(chat, caching, exchange.passThrough());
                yield new ResilientCall(this, exchange, candidates, operation).start();
            }
            case EmbeddingRequest embeddings -> {
                ModelConfig model = catalog.resolveEmbedding(team, embeddings.model());
                yield new ResilientCall(this, exchange, List.of(new ModelCatalog.Candidate(model, null)),
                        new UpstreamOperation.Embeddings(embeddings)).start();
            }
        };
    }

    /** Settings of a {@link ProviderDispatcher}; every one has a default. */
    public static final class Builder {
        private final ModelCatalog catalog;
        private final Map<String, ProviderAdapter> adapters;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private CircuitBreakerPolicy circuitBreaker = CircuitBreakerPolicy.DEFAULT;
        private UpstreamAttemptListener listener = UpstreamAttemptListener.NONE;
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random = new Random();

        private Builder(ModelCatalog catalog, Map<String, ProviderAdapter> adapters) {
            this.catalog = requireNonNull(catalog, "catalog");
            this.adapters = requireNonNull(adapters, "adapters");
        }

        /** Retry and breaker policies from the config's {@code resilience:}. */
        public Builder config(GatewayConfig config) {
            return retry(config.resilience().retry())
                    .circuitBreaker(config.resilience().circuitBreaker());
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
