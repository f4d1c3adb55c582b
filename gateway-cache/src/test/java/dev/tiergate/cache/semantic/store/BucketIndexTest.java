package dev.tiergate.cache.semantic.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BucketIndexTest {

    private record Bucket(String partition, int table, int band) {
    }

    private record Member(Bucket bucket, String id) {
    }

    @Test
    void holdsWhatAMapOfSetsHoldsThroughGrowthRemovalsAndShrinking() {
        BucketIndex index = new BucketIndex();
        Map<Bucket, Set<String>> expected = new HashMap<>();
        Random random = new Random(11);
        List<Member> live = new ArrayList<>();   // each membership once
        Set<Member> held = new HashSet<>();
        for (int step = 0; step < 200_000; step++) {
            // Grow to ~20,000 memberships, then mostly remove, so the tables grow and shrink.
            boolean adding = step < 60_000 ? random.nextInt(4) > 0 : random.nextInt(4) == 0;
            if (adding || live.isEmpty()) {
                Bucket bucket = new Bucket("p" + random.nextInt(step < 100_000 ? 300 : 3), random.nextInt(16),
                        random.nextInt(8));   // few bands: many buckets of several ids
                Member member = new Member(bucket, "e" + random.nextInt(5_000));
                index.add(bucket.partition(), bucket.table(), bucket.band(), member.id());
                expected.computeIfAbsent(bucket, b -> new LinkedHashSet<>()).add(member.id());
                if (held.add(member)) {
                    live.add(member);
                }
            } else {
                int at = random.nextInt(live.size());
                Member member = live.get(at);
                live.set(at, live.getLast());
                live.removeLast();
                held.remove(member);
                Bucket bucket = member.bucket();
                index.remove(bucket.partition(), bucket.table(), bucket.band(), member.id());
                Set<String> ids = expected.get(bucket);
                ids.remove(member.id());
                if (ids.isEmpty()) {
                    expected.remove(bucket);
                }
            }
            if (step % 20_000 == 0 || step == 199_999) {
                assertSameAs(expected, index);
            }
        }
        assertThat(index.size()).isEqualTo(expected.size());
    }

    @Test
    void keepsPartitionsAndTablesApartAndIgnoresWhatIsNotThere() {
        BucketIndex index = new BucketIndex();
        for (int i = 0; i < 10; i++) {
            index.add("a", 0, 7, "e" + i);
        }
        index.add("a", 1, 7, "other-table");
        index.add("b", 0, 7, "other-partition");
        Set<String> all = ids(index, "a", 0, 7);
        assertThat(all).hasSize(10).doesNotContain("other-table", "other-partition");
        index.remove("a", 0, 7, "missing");
        index.remove("c", 0, 7, "e1");
        assertThat(ids(index, "a", 0, 7)).isEqualTo(all);
        assertThat(index.size()).isEqualTo(3);
    }

    @Test
    void threadsSharingBucketsLoseNoMembership() throws InterruptedException {
        BucketIndex index = new BucketIndex();
        int threads = 4;
        int ids = 2_000;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String owner = "t" + t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < ids; i++) {   // every thread's ids in the same few buckets
                    index.add("p" + (i % 3), i % 16, i % 5, owner + "-" + i);
                    if (i % 2 == 1) {
                        index.remove("p" + ((i - 1) % 3), (i - 1) % 16, (i - 1) % 5, owner + "-" + (i - 1));
                    }
                }
            }));
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        // each thread removed its even ids and kept its odd ones
        Map<Bucket, Set<String>> expected = new HashMap<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 1; i < ids; i += 2) {
                expected.computeIfAbsent(new Bucket("p" + (i % 3), i % 16, i % 5), b -> new LinkedHashSet<>())
                        .add("t" + t + "-" + i);
            }
        }
        assertThat(index.size()).isEqualTo(expected.size());
        for (var e : expected.entrySet()) {
            Set<String> found = ids(index, e.getKey().partition(), e.getKey().table(), e.getKey().band());
            assertThat(found).as("bucket %s", e.getKey()).isEqualTo(e.getValue());
        }
    }

    /** The ids of one bucket, in the index's order. */
    private static Set<String> ids(BucketIndex index, String partition, int table, int band) {
        CandidateRanking ranking = new CandidateRanking();
        index.tally(partition, table, band, ranking);
        return new LinkedHashSet<>(ranking.closest(Integer.MAX_VALUE));
    }

    private static void assertSameAs(Map<Bucket, Set<String>> expected, BucketIndex index) {
        assertThat(index.size()).isEqualTo(expected.size());
        for (var e : expected.entrySet()) {
            Set<String> found = ids(index, e.getKey().partition(), e.getKey().table(), e.getKey().band());
            assertThat(found).as("bucket %s", e.getKey()).isEqualTo(e.getValue());
        }
    }
}
