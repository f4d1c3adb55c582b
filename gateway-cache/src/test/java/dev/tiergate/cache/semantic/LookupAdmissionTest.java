package dev.tiergate.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Lookups are admitted while they keep up; after a slow one, one per probe interval, until one is fast again. */
class LookupAdmissionTest {
    private static final long MS = 1_000_000L;
    private final LookupAdmission admission = new LookupAdmission(125 * MS, 100 * MS);

    @Test
    void whileLookupsKeepUpEveryOneIsAdmitted() {
        for (long t = 0; t < 10; t++) {
            assertThat(admission.admit(t * MS)).isTrue();
            admission.took(5 * MS);
        }
        admission.took(125 * MS);   // at the bound is not behind
        assertThat(admission.behind()).isFalse();
        assertThat(admission.admit(11 * MS)).isTrue();
    }

    @Test
    void afterASlowLookupOnlyOneProbePerIntervalIsAdmittedUntilOneKeepsUp() {
        admission.took(250 * MS);
        long t = 1_000 * MS;
        assertThat(admission.admit(t)).as("the first probe").isTrue();
        assertThat(admission.admit(t + MS)).isFalse();
        assertThat(admission.admit(t + 99 * MS)).isFalse();
        assertThat(admission.admit(t + 100 * MS)).as("the next probe, an interval later").isTrue();
        assertThat(admission.admit(t + 101 * MS)).isFalse();

        admission.took(250 * MS);   // the probe ended late too
        assertThat(admission.admit(t + 150 * MS)).isFalse();
        admission.took(8 * MS);     // a probe kept up
        assertThat(admission.admit(t + 151 * MS)).isTrue();
        assertThat(admission.admit(t + 152 * MS)).isTrue();
    }

    @Test
    void boundsMustBePositive() {
        assertThatThrownBy(() -> new LookupAdmission(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LookupAdmission(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
