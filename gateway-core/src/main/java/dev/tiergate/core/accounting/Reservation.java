package dev.tiergate.core.accounting;

/**
 * What a request may cost at the most, reserved against its limits before it goes upstream:
 * tokens (input plus the output cap) and nano-dollars (those tokens at the dearest model it may be
 * answered by). Settled to what it really cost when its answer is complete.
 */
public record Reservation(long tokens, long costNanos) {
    public static final Reservation NONE = new Reservation(0, 0);

    public Reservation {
        if (tokens < 0 || costNanos < 0) {
            throw new IllegalArgumentException("reservation: " + tokens + " tokens, " + costNanos
                    + " nano-USD (expected: >= 0)");
        }
    }
}
