package dev.tiergate.core.resilience;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** One {@link CircuitBreaker} per provider id, made on first use with the same policy and clock. */
public final class CircuitBreakers {
    private final CircuitBreakerPolicy policy;
    private final Clock clock;
    private final CircuitBreaker.StateListener listener;
    private final ConcurrentMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    public CircuitBreakers(CircuitBreakerPolicy policy, Clock clock, CircuitBreaker.StateListener listener) {
        this.policy = requireNonNull(policy, "policy");
        this.clock = requireNonNull(clock, "clock");
        this.listener = requireNonNull(listener, "listener");
    }

    public CircuitBreaker forProvider(String provider) {
        return breakers.computeIfAbsent(provider, id -> new CircuitBreaker(id, policy, clock, listener));
    }
}
