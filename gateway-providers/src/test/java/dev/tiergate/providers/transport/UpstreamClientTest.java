package dev.tiergate.providers.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.providers.testing.EventLoopExtension;
import dev.tiergate.providers.testing.RawSocketUpstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.SignalType;

class UpstreamClientTest {
    @RegisterExtension
    static final EventLoopExtension LOOP = new EventLoopExtension();

    private UpstreamClient client = new UpstreamClient(new UpstreamOptions(Duration.ofSeconds(2),
            Duration.ofSeconds(5), 4, 1024 * 1024, 1024));

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static ScheduledExecutorService loop() {
        return LOOP.next();
    }

    static Throwable failureOf(reactor.core.publisher.Flux<?> flux) {
        try {
            flux.blockLast(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            return Exceptions.unwrap(e);
        }
        throw new AssertionError("expected the stream to fail");
    }

    private static String okResponse(String body) {
        return "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Test
    void sequentialCallsReuseOneKeepAliveConnection() throws Exception {
        try (RawSocketUpstream upstream = new RawSocketUpstream((head, in, out) -> {
            RawSocketUpstream.write(out, okResponse("hello"));
            return true;
        })) {
            UpstreamRequest request = UpstreamRequest.post(upstream.uri("/v1/x"), Map.of(), "{}".getBytes());
            for (int i = 0; i < 3; i++) {
                UpstreamResponse response = client.send(request, loop()).toCompletableFuture().get(5, TimeUnit.SECONDS);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.bodyAsString()).isEqualTo("hello");
            }
            assertThat(upstream.connections()).isEqualTo(1);
        }
    }

    @Test
    void aConnectionClosingResponseIsNotReused() throws Exception {
        try (RawSocketUpstream upstream = new RawSocketUpstream((head, in, out) -> {
            RawSocketUpstream.write(out, "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok");
            return false;
        })) {
            UpstreamRequest request = UpstreamRequest.get(upstream.uri("/"), Map.of());
            for (int i = 0; i < 2; i++) {
                assertThat(client.send(request, loop()).toCompletableFuture().get(5, TimeUnit.SECONDS).status())
                        .isEqualTo(200);
            }
            assertThat(upstream.connections()).isEqualTo(2);
        }
    }

    @Test
    void sendsHostAndContentLengthAndTheTargetWithItsQuery() throws Exception {
        StringBuilder seen = new StringBuilder();
        try (RawSocketUpstream upstream = new RawSocketUpstream((head, in, out) -> {
            seen.append(head);
            RawSocketUpstream.write(out, okResponse(""));
            return true;
        })) {
            UpstreamRequest request = UpstreamRequest.post(upstream.uri("/v1/chat?api-version=1"),
                    Map.of("x-test", "yes"), "abc".getBytes());
            client.send(request, loop()).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(seen.toString())
                    .startsWith("POST /v1/chat?api-version=1 HTTP/1.1\r\n")
                    .containsIgnoringCase("host: 127.0.0.1:")
                    .containsIgnoringCase("content-length: 3")
                    .containsIgnoringCase("x-test: yes");
        }
    }

    @Test
    void streamsChunksAndReturnsTheConnectionAfterTheEnd() throws Exception {
        try (RawSocketUpstream upstream = new RawSocketUpstream((head, in, out) -> {
            RawSocketUpstream.write(out, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n");
            RawSocketUpstream.write(out, "3\r\none\r\n");
            RawSocketUpstream.write(out, "3\r\ntwo\r\n0\r\n\r\n");
            return true;
        })) {
            UpstreamRequest request = UpstreamRequest.post(upstream.uri("/s"), Map.of(), new byte[0]);
            for (int i = 0; i < 2; i++) {
                List<String> parts = client.stream(request, loop())
                        .map(b -> new String(b, StandardCharsets.UTF_8))
                        .collectList().block(Duration.ofSeconds(5));
                assertThat(String.join("", parts)).isEqualTo("onetwo");
            }
            assertThat(upstream.connections()).isEqualTo(1);
        }
    }

    @Test
    void cancellingAStreamClosesTheUpstreamConnection() throws Exception {
        CountDownLatch eof = new CountDownLatch(1);
        try (RawSocketUpstream upstream = new RawSocketUpstream((head, in, out) -> {
            RawSocketUpstream.write(out, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nfirst\r\n");
            if (RawSocketUpstream.waitsForEof(in)) {
                eof.countDown();
            }
            return false;
        })) {
            CountDownLatch first = new CountDownLatch(1);
            Disposable subscription = client.stream(UpstreamRequest.get(upstream.uri("/s"), Map.of()), loop())
                    .subscribe(b -> first.countDown());
            assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
            subscription.dispose();
            assertThat(eof.await(5, TimeUnit.SECONDS)).as("upstream saw EOF").isTrue();
        }
    }

    @Test
    void aStreamHandsOnOnlyTheSlicesAskedForAndGoesOnWhenAskedAgain() throws Exception {
        try (RawSocketUpstream upstream = new RawSocketUpstream((head, in, out) -> {
            RawSocketUpstream.write(out, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
                    + "3\r\none\r\n3\r\ntwo\r\n3\r\nsix\r\n0\r\n\r\n");
            return true;
        })) {
            List<String> seen = new CopyOnWriteArrayList<>();
            CountDownLatch ended = new CountDownLatch(1);
            BaseSubscriber<byte[]> subscriber = new BaseSubscriber<>() {
                @Override
                protected void hookOnSubscribe(Subscription subscription) {
                    // asked for below, from this test's thread
                }

                @Override
                protected void hookOnNext(byte[] slice) {
                    seen.add(new String(slice, StandardCharsets.UTF_8));
                }

                @Override
                protected void hookFinally(SignalType type) {
                    ended.countDown();
                }
            };
            client.stream(UpstreamRequest.get(upstream.uri("/s"), Map.of()), loop()).subscribe(subscriber);
            subscriber.request(1);
            pause(300);   // the whole body has come by now; only one slice was asked for
            assertThat(seen).containsExactly("one");
            assertThat(ended.getCount()).isEqualTo(1);
            subscriber.request(5);
            assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).containsExactly("one", "two", "six");
        }
    }

    @Test
    void slicesReadBeforeTheConnectionDropsGoOutBeforeTheFailure() throws Exception {
        try (RawSocketUpstream upstream = new RawSocketUpstream((head, in, out) -> {
            RawSocketUpstream.write(out, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nfirst\r\n");
            return false;
        })) {
            List<String> seen = new CopyOnWriteArrayList<>();
            Throwable e = failureOf(client.stream(UpstreamRequest.get(upstream.uri("/s"), Map.of()), loop())
                    .doOnNext(b -> seen.add(new String(b, StandardCharsets.UTF_8))));
            assertThat(e).isInstanceOf(UpstreamConnectionException.class);
            assertThat(seen).containsExactly("first");
        }
    }

    @Test
    void aStreamOfAnErrorStatusFailsWithTheWholeErrorBody() throws Exception {
        try (RawSocketUpstream upstream = new RawSocketUpstream((head, in, out) -> {
            RawSocketUpstream.write(out, "HTTP/1.1 503 Service Unavailable\r\ntransfer-encoding: chunked\r\n\r\n"
                    + "4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n");
            return true;
        })) {
            Throwable e = failureOf(client.stream(UpstreamRequest.get(upstream.uri("/s"), Map.of()), loop()));
            assertThat(e).isInstanceOf(UpstreamStatusException.class);
            UpstreamResponse r = ((UpstreamStatusException) e).response();
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.bodyAsString()).isEqualTo("{\"a\":1}");
            assertThat(upstream.connections()).isEqualTo(1);
        }
    }

    @Test
    void aSilentUpstreamTimesOut() throws Exception {
        client.close();
        client = new UpstreamClient(UpstreamOptions.defaults().withReadTimeout(Duration.ofMillis(200)));
        try (RawSocketUpstream upstream = new RawSocketUpstream((head, in, out) -> {
            RawSocketUpstream.waitsForEof(in);
            return false;
        })) {
            assertThatThrownBy(() -> client.send(UpstreamRequest.get(upstream.uri("/"), Map.of()), loop())
                    .toCompletableFuture().join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(UpstreamTimeoutException.class);
        }
    }

    /**
     * The read timeout is a gap between data, not a limit on the whole answer: a stream whose
     * pieces come well within it lives longer than it, and silence after some data still ends it.
     */
    @Test
    void aStreamTimesOutOnSilenceNotOnItsLength() throws Exception {
        client.close();
        client = new UpstreamClient(UpstreamOptions.defaults().withReadTimeout(Duration.ofMillis(400)));
        try (RawSocketUpstream upstream = new RawSocketUpstream((head, in, out) -> {
            RawSocketUpstream.write(out, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n");
            for (int i = 0; i < 12; i++) {   // 12 pieces 60 ms apart: 720 ms in all, gaps far under 400 ms
                RawSocketUpstream.write(out, "1\r\n" + (char) ('a' + i) + "\r\n");
                pause(60);
            }
            RawSocketUpstream.write(out, "0\r\n\r\n");
            return true;
        })) {
            List<String> parts = client.stream(UpstreamRequest.get(upstream.uri("/s"), Map.of()), loop())
                    .map(b -> new String(b, StandardCharsets.UTF_8))
                    .collectList().block(Duration.ofSeconds(10));
            assertThat(String.join("", parts)).isEqualTo("abcdefghijkl");
        }
        try (RawSocketUpstream upstream = new RawSocketUpstream((head, in, out) -> {
            RawSocketUpstream.write(out, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nfirst\r\n");
            RawSocketUpstream.waitsForEof(in);
            return false;
        })) {
            Throwable e = failureOf(client.stream(UpstreamRequest.get(upstream.uri("/s"), Map.of()), loop()));
            assertThat(e).isInstanceOf(UpstreamTimeoutException.class);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aRefusedConnectionIsAConnectionError() throws Exception {
        RawSocketUpstream closed = new RawSocketUpstream((head, in, out) -> false);
        closed.close();
        assertThatThrownBy(() -> client.send(UpstreamRequest.get(closed.uri("/"), Map.of()), loop())
                .toCompletableFuture().join())
                .hasCauseInstanceOf(UpstreamConnectionException.class);
    }

    @Test
    void aNonNettyExecutorFallsBackToTheSharedLoops() throws Exception {
        try (RawSocketUpstream upstream = new RawSocketUpstream((head, in, out) -> {
            RawSocketUpstream.write(out, okResponse("x"));
            return true;
        })) {
            ScheduledExecutorService plain = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            try {
                assertThat(client.send(UpstreamRequest.get(upstream.uri("/"), Map.of()), plain)
                        .toCompletableFuture().get(5, TimeUnit.SECONDS).bodyAsString()).isEqualTo("x");
            } finally {
                plain.shutdownNow();
            }
        }
    }
}
