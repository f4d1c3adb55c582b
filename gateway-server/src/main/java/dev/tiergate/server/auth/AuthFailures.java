package dev.tiergate.server.auth;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tiergate.core.error.AuthenticationError;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.RateLimitedError;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Failed authentications: each is counted ({@link Listener#failed} with a fixed reason), and an
 * address that presents {@code limit} wrong keys within a minute (from its first) gets its requests
 * refused with {@code 429} and {@code Retry-After} until that minute is over, so that keys cannot be
 * guessed at the speed of the network. Addresses are kept in a bounded cache ({@value #MAX_ADDRESSES},
 * the least recently failing dropped first); IPv6 addresses count per /64, the block a host
 * usually holds. A request without a key (or, on the dashboard, without a session) is counted
 * as {@code missing_api_key} but does not block: it guesses nothing. Each port has its own
 * instance ({@link #withOwnWindows}): guesses on one do not lock an address out of the other.
 */
public final class AuthFailures {
    /** How many addresses are remembered at most: a few MB, whatever an attacker sends. */
    public static final int MAX_ADDRESSES = 10_000;
    public static final Duration WINDOW = Duration.ofMinutes(1);
    /** The reasons counted: what the authenticator answers; anything else counts as {@code other}. */
    private static final Set<String> REASONS = Set.of("missing_api_key", "invalid_api_key");
    /** The codes of a request that presented no credential at all: counted as missing, never blocking. */
    private static final Set<String> NO_CREDENTIAL = Set.of("missing_api_key", "login_required");

    /** Neither counts nor blocks (the management port, tests of the handler). */
    public static final AuthFailures NONE = new AuthFailures(0, Clock.systemUTC(), Listener.NONE);

    private final int limit;
    private final Clock clock;
    private final Listener listener;
    private final Cache<Object, Window> windows;

    private AuthFailures(int limit, Clock clock, Listener listener) {
        this.limit = limit;
        this.clock = requireNonNull(clock, "clock");
        this.listener = requireNonNull(listener, "listener");
        this.windows = Caffeine.newBuilder()
                .maximumSize(MAX_ADDRESSES)
                .expireAfterWrite(WINDOW)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
    }

    /** Blocks an address after {@code limit} wrong keys in a minute (0: counts only); time from {@code clock}. */
    public static AuthFailures perMinute(int limit, Clock clock, Listener listener) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0)");
        }
        return new AuthFailures(limit, clock, listener);
    }

    /** The same limit, clock and listener, counting its own addresses (another port's). */
    public AuthFailures withOwnWindows() {
        return new AuthFailures(limit, clock, listener);
    }

    /** Told about each failed authentication and each refused request; reasons are a fixed set. */
    public interface Listener {
        Listener NONE = new Listener() {
            @Override
            public void failed(String reason) {
            }

            @Override
            public void refused() {
            }
        };

        void failed(String reason);

        void refused();
    }

    /** Notes {@code error} of a request from {@code address} (null: unknown), when it is a failed authentication. */
    public void observe(InetAddress address, GatewayError error) {
        if (!(error instanceof AuthenticationError)) {
            return;
        }
        String reason = NO_CREDENTIAL.contains(error.code()) ? "missing_api_key"
                : REASONS.contains(error.code()) ? error.code() : "other";
        listener.failed(reason);
        if (limit == 0 || address == null || reason.equals("missing_api_key")) {
            return;
        }
        long now = clock.millis();
        windows.asMap().compute(key(address), (k, w) -> w == null || w.over(now) ? new Window(now, 1) : w.plusOne());
    }

    /** The refusal of a request from {@code address} while it is blocked, else null. */
    public RateLimitedError refusal(InetAddress address) {
        if (limit == 0 || address == null) {
            return null;
        }
        Window w = windows.getIfPresent(key(address));
        long now = clock.millis();
        if (w == null || w.over(now) || w.failures() < limit) {
            return null;
        }
        listener.refused();
        long seconds = Math.max(1, (w.start() + WINDOW.toMillis() - now + 999) / 1000);
        return new RateLimitedError("Too many failed authentications from your address (" + w.failures()
                + " in a minute): its requests are refused for " + seconds + " s.", "too_many_auth_failures",
                Duration.ofSeconds(seconds));
    }

    /** How many addresses are remembered now (at most {@value #MAX_ADDRESSES}). */
    long rememberedAddresses() {
        windows.cleanUp();
        return windows.estimatedSize();
    }

    /** An IPv4 address as it is; an IPv6 address by its /64. */
    private static Object key(InetAddress address) {
        return address instanceof Inet6Address ? new Ipv6Prefix(ByteBuffer.wrap(address.getAddress()).getLong())
                : address;
    }

    /** The first 64 bits of an IPv6 address. */
    private record Ipv6Prefix(long bits) {
    }

    /** The failures counted in the minute that began with the first of them. */
    private record Window(long start, int failures) {
        boolean over(long now) {
            return now - start >= WINDOW.toMillis();
        }

        Window plusOne() {
            return new Window(start, failures + 1);
        }
    }
}
