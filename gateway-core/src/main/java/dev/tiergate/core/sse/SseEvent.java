package dev.tiergate.core.sse;

/** One server-sent event: its {@code event:} name (null when absent) and its joined {@code data:} lines. */
public record SseEvent(String event, String data) {
    /** OpenAI's end-of-stream marker. */
    public boolean isDone() {
        return "[DONE]".equals(data);
    }
}
