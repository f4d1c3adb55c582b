package dev.tiergate.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeapShareTest {
    private static final long MB = 1 << 20;

    @Test
    void aCacheWithinASixteenthOfTheHeapKeepsItsSize() {
        assertThat(HeapShare.cacheMegabytes("cache", 64, 1024 * MB)).isEqualTo(64);
        assertThat(HeapShare.cacheMegabytes("cache", 3, 62 * MB)).as("the bundled config at README's heap").isEqualTo(3);
        assertThat(HeapShare.cacheMegabytes("cache", 8, 128 * MB)).isEqualTo(8);
    }

    @Test
    void aLargerCacheIsCappedToASixteenthOfTheHeap() {
        assertThat(HeapShare.cacheMegabytes("cache", 64, 128 * MB)).isEqualTo(8);
        assertThat(HeapShare.cacheMegabytes("cache", 64, 256 * MB)).isEqualTo(16);
        assertThat(HeapShare.cacheMegabytes("cache", 64, 2 * MB)).as("never below one megabyte").isEqualTo(1);
    }

    @Test
    void recordsAreCappedToWhatFitsInAThirtySecondOfTheHeap() {
        assertThat(HeapShare.entries("log", 200_000, 500, 64 * MB)).as("2 MB of 500-byte records").isEqualTo(4_194);
        assertThat(HeapShare.entries("log", 1_000, 500, 64 * MB)).as("fewer than fit: as configured").isEqualTo(1_000);
        assertThat(HeapShare.entries("log", 200_000, 500, 4L << 30)).as("a 4 GB heap keeps them all").isEqualTo(200_000);
        assertThat(HeapShare.entries("log", 200_000, 500, MB)).as("never below 100").isEqualTo(100);
    }
}
