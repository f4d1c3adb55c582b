package dev.tiergate.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.error.AuthenticationError;
import dev.tiergate.core.error.NotFoundError;
import dev.tiergate.core.error.RateLimitedError;
import dev.tiergate.core.testing.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Wrong keys per address: counted, and refused for the rest of the minute once there are too many. */
class AuthFailuresTest {
    private static final AuthenticationError WRONG_KEY = new AuthenticationError("no", "invalid_api_key", null);
    private static final AuthenticationError NO_KEY = new AuthenticationError("no", "missing_api_key", null);

    private final ManualClock clock = new ManualClock();
    private final List<String> counted = new ArrayList<>();
    private final AuthFailures failures = AuthFailures.perMinute(3, clock, new AuthFailures.Listener() {
        @Override
        public void failed(String reason) {
            counted.add(reason);
        }

        @Override
        public void refused() {
            counted.add("refused");
        }
    });

    @Test
    void anAddressIsRefusedUntilTheMinuteOfItsFirstFailureIsOver() throws Exception {
        InetAddress attacker = InetAddress.getByName("192.0.2.7");
        InetAddress neighbour = InetAddress.getByName("192.0.2.8");
        failures.observe(attacker, WRONG_KEY);
        clock.advance(Duration.ofSeconds(20));
        failures.observe(attacker, WRONG_KEY);
        assertThat(failures.refusal(attacker)).isNull();
        failures.observe(attacker, WRONG_KEY);

        RateLimitedError refused = failures.refusal(attacker);
        assertThat(refused).isNotNull();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("too_many_auth_failures");
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(40));
        assertThat(failures.refusal(neighbour)).isNull();

        clock.advance(Duration.ofSeconds(40));
        assertThat(failures.refusal(attacker)).isNull();
        assertThat(counted).containsExactly("invalid_api_key", "invalid_api_key", "invalid_api_key", "refused");
    }

    @Test
    void requestsWithoutAKeyAndOtherErrorsDoNotBlock() throws Exception {
        InetAddress client = InetAddress.getByName("192.0.2.9");
        for (int i = 0; i < 5; i++) {
            failures.observe(client, NO_KEY);
            failures.observe(client, new NotFoundError("no such model", "model_not_found", "model"));
        }
        assertThat(failures.refusal(client)).isNull();
        assertThat(counted).hasSize(5).containsOnly("missing_api_key");
    }

    @Test
    void aDashboardCallWithoutASessionCountsAsMissingAndDoesNotBlock() throws Exception {
        InetAddress browser = InetAddress.getByName("192.0.2.11");
        for (int i = 0; i < 5; i++) {
            failures.observe(browser, new AuthenticationError("log in", "login_required", null));
        }
        assertThat(failures.refusal(browser)).isNull();
        assertThat(counted).hasSize(5).containsOnly("missing_api_key");
    }

    @Test
    void anotherPortsInstanceCountsItsOwnAddresses() throws Exception {
        InetAddress client = InetAddress.getByName("192.0.2.12");
        AuthFailures management = failures.withOwnWindows();
        for (int i = 0; i < 3; i++) {
            management.observe(client, new AuthenticationError("no", "invalid_admin_key", "key"));
        }
        assertThat(management.refusal(client)).isNotNull();
        assertThat(failures.refusal(client)).as("the API port's count").isNull();
        assertThat(counted).containsExactly("other", "other", "other", "refused");
    }

    @Test
    void anIpv6HostIsCountedByItsSlash64() throws Exception {
        for (String address : List.of("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3")) {
            failures.observe(InetAddress.getByName(address), WRONG_KEY);
        }
        assertThat(failures.refusal(InetAddress.getByName("2001:db8:1:2::99"))).isNotNull();
        assertThat(failures.refusal(InetAddress.getByName("2001:db8:1:3::1"))).isNull();
    }

    @Test
    void aLimitOfZeroOnlyCounts() throws Exception {
        AuthFailures counting = AuthFailures.perMinute(0, clock, AuthFailures.Listener.NONE);
        InetAddress client = InetAddress.getByName("192.0.2.10");
        for (int i = 0; i < 100; i++) {
            counting.observe(client, WRONG_KEY);
        }
        assertThat(counting.refusal(client)).isNull();
    }

    @Test
    void theAddressesRememberedAreBounded() throws Exception {
        for (int i = 0; i < AuthFailures.MAX_ADDRESSES * 3; i++) {
            failures.observe(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}),
                    WRONG_KEY);
        }
        assertThat(failures.rememberedAddresses()).isLessThanOrEqualTo(AuthFailures.MAX_ADDRESSES);
    }
}
