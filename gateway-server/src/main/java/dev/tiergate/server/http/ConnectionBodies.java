package dev.tiergate.server.http;

import dev.tiergate.core.memory.ByteBudget;
import java.util.ArrayDeque;

/**
 * One connection's share of the {@link ByteBudget}: {@link RequestHeadGate} reserves a
 * request's body when its head arrives; {@link GatewayHttpHandler} claims the reservations in the
 * same order as the requests come out whole, and releases each when its request is answered or
 * dropped; whatever is still held when the connection closes is released then. Used on the
 * connection's event loop only.
 */
final class ConnectionBodies {
    private final ByteBudget budget;
    /** Reservations of heads whose whole request has not come out yet, oldest first. */
    private final ArrayDeque<Long> unclaimed = new ArrayDeque<>();
    private long held;
    private boolean closed;

    ConnectionBodies(ByteBudget budget) {
        this.budget = budget;
    }

    /** Reserves {@code bytes} for the request whose head just arrived; false when they do not fit. */
    boolean tryReserve(long bytes) {
        if (closed || !budget.tryTake(bytes)) {
            return false;
        }
        held += bytes;
        unclaimed.add(bytes);
        return true;
    }

    /** A request that holds nothing (no body, or refused before it). */
    void reserveNothing() {
        unclaimed.add(0L);
    }

    /** The reservation of the next whole request, in arrival order. */
    long claim() {
        Long bytes = unclaimed.poll();
        return bytes == null ? 0 : bytes;
    }

    /** A request is answered or dropped: its bytes go back to the budget. */
    void release(long bytes) {
        if (!closed && bytes > 0) {
            held -= bytes;
            budget.giveBack(bytes);
        }
    }

    /** The connection closed: everything it still held goes back. */
    void releaseAll() {
        if (!closed) {
            closed = true;
            budget.giveBack(held);
            held = 0;
            unclaimed.clear();
        }
    }
}
