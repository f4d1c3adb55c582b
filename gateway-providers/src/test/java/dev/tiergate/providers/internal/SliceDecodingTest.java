package dev.tiergate.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.model.ChatChunk;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** The one operator between a provider's body slices and its chunks: demand, order, failures, the end. */
class SliceDecodingTest {
    /** Each slice's text split at spaces, a chunk per word (id = the word). */
    private static final BiConsumer<byte[], List<ChatChunk>> WORDS = (slice, out) -> {
        for (String word : new String(slice, StandardCharsets.UTF_8).split(" ")) {
            if (word.equals("boom")) {
                throw new IllegalStateException("boom");
            }
            out.add(chunk(word));
        }
    };
    private static final Supplier<List<ChatChunk>> NOTHING_AT_END = List::of;

    private static ChatChunk chunk(String id) {
        return new ChatChunk(id, ChatChunk.OBJECT, 0L, "m", List.of(), null, null, Map.of());
    }

    private static Flux<byte[]> body(String... slices) {
        return Flux.fromArray(slices).map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> ids(Flux<ChatChunk> chunks) {
        return chunks.map(ChatChunk::id).collectList().block(Duration.ofSeconds(5));
    }

    /** The chunks' ids up to the stream's failure, which must have {@code message}. */
    private static List<String> idsBeforeFailure(Flux<ChatChunk> chunks, String message) {
        List<String> seen = new ArrayList<>();
        assertThatThrownBy(() -> chunks.doOnNext(c -> seen.add(c.id())).blockLast(Duration.ofSeconds(5)))
                .hasMessage(message);
        return seen;
    }

    @Test
    void everySlicesChunksInOrderThenTheEndsOwn() {
        Flux<ChatChunk> chunks = SliceDecoding.chunks(body("a b", "c", "d e f"), WORDS, () -> List.of(chunk("end")));
        assertThat(ids(chunks)).containsExactly("a", "b", "c", "d", "e", "f", "end");
    }

    @Test
    void theBodyIsAskedForOneSliceAtATimeAndOnlyWhenChunksAreWanted() {
        List<Long> asked = new CopyOnWriteArrayList<>();
        Flux<ChatChunk> chunks = SliceDecoding.chunks(body("a b c", "d", "e").doOnRequest(asked::add), WORDS, NOTHING_AT_END);
        Manual subscriber = new Manual();
        chunks.subscribe(subscriber);
        assertThat(asked).isEmpty();
        subscriber.ask(1);
        assertThat(subscriber.ids).containsExactly("a");
        subscriber.ask(2);
        assertThat(subscriber.ids).containsExactly("a", "b", "c");
        assertThat(asked).containsExactly(1L);   // the first slice's chunks were enough
        subscriber.ask(10);
        assertThat(subscriber.ids).containsExactly("a", "b", "c", "d", "e");
        assertThat(asked).containsOnly(1L);
        assertThat(subscriber.completed).isTrue();
    }

    @Test
    void aFailingSliceStillHandsOnWhatItDecodedBeforeThenFailsAndCancelsTheBody() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Flux<ChatChunk> chunks = SliceDecoding.chunks(body("a", "b boom c", "d").doOnCancel(() -> cancelled.set(true)),
                WORDS, () -> List.of(chunk("end")));
        assertThat(idsBeforeFailure(chunks, "boom")).containsExactly("a", "b");
        assertThat(cancelled).isTrue();
    }

    @Test
    void theEndsCheckFailsTheStreamAfterEveryChunk() {
        Flux<ChatChunk> chunks = SliceDecoding.chunks(body("a", "b"), WORDS, () -> {
            throw new IllegalStateException("truncated");
        });
        assertThat(idsBeforeFailure(chunks, "truncated")).containsExactly("a", "b");
    }

    @Test
    void aFailedBodyFailsAfterItsChunksWithoutTheEndsCheck() {
        AtomicBoolean endChecked = new AtomicBoolean();
        Flux<ChatChunk> chunks = SliceDecoding.chunks(
                body("a b").concatWith(Flux.error(new IllegalStateException("connection reset"))), WORDS, () -> {
                    endChecked.set(true);
                    return List.of();
                });
        assertThat(idsBeforeFailure(chunks, "connection reset")).containsExactly("a", "b");
        assertThat(endChecked).isFalse();
    }

    @Test
    void cancellingCancelsTheBody() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Manual subscriber = new Manual();
        SliceDecoding.chunks(body("a b", "c").doOnCancel(() -> cancelled.set(true)), WORDS, NOTHING_AT_END)
                .subscribe(subscriber);
        subscriber.ask(1);
        subscriber.cancel();
        subscriber.ask(5);
        assertThat(cancelled).isTrue();
        assertThat(subscriber.ids).containsExactly("a");
        assertThat(subscriber.completed).isFalse();
    }

    @Test
    void slicesFromAnotherThreadAndRequestsFromThisOneKeepEveryChunkInOrder() throws Exception {
        int slices = 20_000;
        Flux<byte[]> body = Flux.range(0, slices).map(i -> (i + " x").getBytes(StandardCharsets.UTF_8))
                .subscribeOn(Schedulers.parallel(), true).publishOn(Schedulers.single(), 1);
        Manual subscriber = new Manual();
        SliceDecoding.chunks(body, WORDS, () -> List.of(chunk("end"))).subscribe(subscriber);
        while (!subscriber.completed && subscriber.failure == null) {
            if (subscriber.outstanding() < 4) {
                subscriber.ask(ThreadLocalRandom.current().nextInt(1, 8));
            }
            Thread.onSpinWait();
        }
        assertThat(subscriber.failure).isNull();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < slices; i++) {
            expected.add(String.valueOf(i));
            expected.add("x");
        }
        expected.add("end");
        assertThat(subscriber.ids).isEqualTo(expected);
    }

    /** Requests only when told to. */
    private static final class Manual extends BaseSubscriber<ChatChunk> {
        final List<String> ids = new CopyOnWriteArrayList<>();
        volatile boolean completed;
        volatile Throwable failure;
        private volatile long asked;

        void ask(long n) {
            asked += n;
            request(n);
        }

        long outstanding() {
            return asked - ids.size();
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // nothing until asked
        }

        @Override
        protected void hookOnNext(ChatChunk value) {
            ids.add(value.id());
        }

        @Override
        protected void hookOnComplete() {
            completed = true;
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            failure = throwable;
        }
    }
}
