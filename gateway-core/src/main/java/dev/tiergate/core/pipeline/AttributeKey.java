package dev.tiergate.core.pipeline;

/** A typed key for {@link ChatExchange#attributes()}. Identity matters: declare keys as constants. */
public record AttributeKey<T>(String name, Class<T> type) {
    public static <T> AttributeKey<T> of(String name, Class<T> type) {
        return new AttributeKey<>(name, type);
    }
}
