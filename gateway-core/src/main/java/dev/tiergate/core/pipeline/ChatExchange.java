package dev.tiergate.core.pipeline;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.model.ChatRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One chat request on its way through the pipeline. The request is immutable; stages pass a
 * changed copy on with {@link #withRequest}. {@code attributes} is the one shared, mutable place
 * where stages leave results for later stages (e.g. the prompt embedding), keyed by
 * {@link AttributeKey}. {@code executor} is the event loop the request belongs to: asynchronous
 * work resumes there.
 */
public record ChatExchange(
        String requestId,
        Caller caller,
        ChatRequest request,
        Map<String, String> headers,
        ScheduledExecutorService executor,
        Map<AttributeKey<?>, Object> attributes) {

    private static final AttributeKey<Cancellation> CANCELLATION = AttributeKey.of("cancellation", Cancellation.class);

    public ChatExchange {
        requireNonNull(requestId, "requestId");
        requireNonNull(caller, "caller");
        requireNonNull(request, "request");
        requireNonNull(executor, "executor");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        if (attributes == null) {
            attributes = new ConcurrentHashMap<>();
        }
    }

    public static ChatExchange of(String requestId, Caller caller, ChatRequest request,
                                  Map<String, String> headers, ScheduledExecutorService executor) {
        return new ChatExchange(requestId, caller, request, headers, executor, new ConcurrentHashMap<>());
    }

    public ChatExchange withRequest(ChatRequest newRequest) {
        return new ChatExchange(requestId, caller, newRequest, headers, executor, attributes);
    }

    /** A request header by lower-case name, or null. */
    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    /** The client went away: whatever still works for this request should stop (shared by copies). */
    public Cancellation cancellation() {
        return (Cancellation) attributes.computeIfAbsent(CANCELLATION, k -> new Cancellation());
    }

    public <T> T attribute(AttributeKey<T> key) {
        return key.type().cast(attributes.get(key));
    }

    public <T> void setAttribute(AttributeKey<T> key, T value) {
        attributes.put(key, requireNonNull(value, "value"));
    }
}
