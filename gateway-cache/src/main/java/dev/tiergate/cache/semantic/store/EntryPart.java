package dev.tiergate.cache.semantic.store;

/** The parts of a {@link StoreEntry}, read separately so a lookup moves only the bytes it needs. */
public enum EntryPart {
    /** The sealed vector and guard features: read for every candidate. */
    PROBE("p"),
    /** What the verifier compares: read for the few candidates above the similarity floor. */
    EVIDENCE("s"),
    /** The sealed answer: read for the entry that answers. */
    ANSWER("a");

    private final String field;

    EntryPart(String field) {
        this.field = field;
    }

    /** The short field name in a store's hash. */
    public String field() {
        return field;
    }
}
