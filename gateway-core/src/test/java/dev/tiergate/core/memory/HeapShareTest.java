package dev.tiergate.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeapShareTest {
    private static final long MB = 1 << 20;

    @Test
    void aCacheWithinAnEighthOfTheHeapKeepsItsSize() {
        assertThat(HeapShare.cacheMegabytes("cache", 64, 1024 * MB)).isEqualTo(64);
        assertThat(HeapShare.cacheMegabytes("cache", 16, 128 * MB)).isEqualTo(16);
    }

    @Test
    void aLargerCacheIsCappedToAnEighthOfTheHeap() {
        assertThat(HeapShare.cacheMegabytes("cache", 64, 128 * MB)).isEqualTo(16);
        assertThat(HeapShare.cacheMegabytes("cache", 64, 256 * MB)).isEqualTo(32);
        assertThat(HeapShare.cacheMegabytes("cache", 64, 2 * MB)).as("never below one megabyte").isEqualTo(1);
    }
}
