package dev.tiergate.server.http;

import dev.tiergate.core.error.FatalErrors;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.RequestFacts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import java.util.ArrayList;
import java.util.List;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * Writes a streamed answer to the client as SSE, chunk by chunk as it arrives. Commits late: the
 * 200 head goes out with the first chunk, so an upstream failure before it is still a proper
 * HTTP error. Demand follows the client socket: chunks are requested {@value #DEMAND} at a time,
 * the next ones only once those came and the socket is writable, so reading pauses while it is not
 * (at most that many chunks arrive after it stopped being writable). A client that goes away
 * cancels the subscription, which closes the upstream call. What each chunk becomes on the wire
 * is the {@link StreamFrames}' part (chat chunks, or the Responses API's events).
 *
 * <p>The frames of the chunks that arrive in one turn of the event loop (one upstream read, as a
 * rule) go out as one body part and one write: each chunk still reaches the client as soon as it
 * arrives, without a trip through the HTTP encoder and an output buffer entry per chunk. At most
 * {@value #MAX_GATHERED_BYTES} bytes are gathered before they are written.
 */
final class SseStreamWriter implements CoreSubscriber<ChatChunk> {
    /** Gathered frames beyond this size are written at once (and count against the socket's writability). */
    static final int MAX_GATHERED_BYTES = 16 * 1024;
    /** Chunks asked for at a time: one request travels up the operators per this many chunks, not per chunk. */
    static final int DEMAND = 16;

    private final HttpCall call;
    private final Answer.Stream answer;
    private final RequestFacts facts;
    private final StreamFrames frames;
    private Subscription subscription;
    private boolean headSent;
    private boolean awaitingWritable;
    /** Chunks asked for and not yet come. */
    private int outstanding;
    private int chunks;
    private boolean flushScheduled;
    /** Frames of this loop turn not yet written, and their size. */
    private final List<byte[]> gathered = new ArrayList<>(4);
    private int gatheredBytes;

    SseStreamWriter(HttpCall call, Answer.Stream answer, RequestFacts facts, StreamFrames frames) {
        this.call = call;
        this.answer = answer;
        this.facts = facts;
        this.frames = frames;
    }

    void start() {
        call.onCancel(this::cancel);
        call.onWritable(() -> {
            if (awaitingWritable) {
                awaitingWritable = false;
                askForMore();
            }
        });
        answer.chunks().subscribe(this);
    }

    private void cancel() {
        if (subscription != null) {
            subscription.cancel();
        }
    }

    @Override
    public void onSubscribe(Subscription s) {
        call.onLoop(() -> {
            this.subscription = s;
            if (call.isDone()) {
                s.cancel();
            } else {
                askForMore();
            }
        });
    }

    @Override
    public void onNext(ChatChunk chunk) {
        byte[] frame = frames.chunk(chunk);
        if (call.eventLoop().inEventLoop()) {   // as a rule (the upstream call runs on this loop): no task made
            send(frame);
        } else {
            call.onLoop(() -> send(frame));
        }
    }

    /**
     * Gathers a chunk's frame (none: a chunk held back or dropped); once the chunks asked for came,
     * asks for more while the socket takes more.
     */
    private void send(byte[] frame) {
        if (call.isDone()) {
            return;
        }
        if (frame != null) {
            sendHeadOnce();
            chunks++;
            gather(frame);
            if (gatheredBytes >= MAX_GATHERED_BYTES) {
                writeGathered();
            }
            flushSoon();
        }
        if (--outstanding > 0) {
            return;
        }
        if (call.ctx.channel().isWritable()) {
            askForMore();
        } else {
            awaitingWritable = true;
        }
    }

    private void askForMore() {
        outstanding = DEMAND;
        subscription.request(DEMAND);
    }

    @Override
    public void onError(Throwable t) {
        call.onLoop(() -> {
            if (call.isDone()) {
                return;
            }
            if (!headSent) {
                call.fail(t);
                return;
            }
            FatalErrors.escalate(t);
            GatewayError error = GatewayError.from(t);
            writeGathered();
            call.ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(frames.failure(error))));
            call.closeAfter(call.ctx.writeAndFlush(new DefaultLastHttpContent()));
            call.finish(200, "stream_error:" + error.code() + " after " + chunks + " chunks");
        });
    }

    @Override
    public void onComplete() {
        call.onLoop(() -> {
            if (call.isDone()) {
                return;
            }
            sendHeadOnce();
            // the frames not yet written, the last ones and the end of the body in one message: one write, one flush
            gather(frames.end());
            var future = call.ctx.writeAndFlush(new DefaultLastHttpContent(takeGathered()));
            if (!call.keepsConnection()) {
                call.closeAfter(future);
            }
            call.finish(200, "stream " + chunks + " chunks");
        });
    }

    /**
     * Flushes once the chunks available now are written: each chunk reaches the client as soon as
     * it arrives, but chunks that arrived together (one upstream read) share one write syscall.
     */
    private void flushSoon() {
        if (!flushScheduled) {
            flushScheduled = true;
            call.eventLoop().execute(() -> {
                flushScheduled = false;
                if (!call.isDone()) {
                    writeGathered();
                    call.ctx.flush();
                }
            });
        }
    }

    private void gather(byte[] frame) {
        gathered.add(frame);
        gatheredBytes += frame.length;
    }

    /** Writes the gathered frames as one body part (not flushed). */
    private void writeGathered() {
        if (!gathered.isEmpty()) {
            call.ctx.write(new DefaultHttpContent(takeGathered()));
        }
    }

    /** The gathered frames in one buffer of the channel's allocator (the socket writes from it as it is); none left. */
    private ByteBuf takeGathered() {
        ByteBuf out = call.ctx.alloc().buffer(gatheredBytes);
        for (byte[] frame : gathered) {
            out.writeBytes(frame);
        }
        gathered.clear();
        gatheredBytes = 0;
        return out;
    }

    private void sendHeadOnce() {
        if (!headSent) {
            headSent = true;
            var head = HttpResponses.eventStreamHead(call.requestId, facts);
            call.prepareHead(head);
            call.ctx.write(head);
        }
    }
}
