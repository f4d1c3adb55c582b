package dev.tiergate.server.logging;

import dev.tiergate.core.json.JsonLineWriter;

/**
 * A log event's marker that writes its own fields straight into the line ({@link AccessLogEncoder}),
 * after the fields every line has; the bytes must be those it writes as a logstash marker.
 */
public interface JsonLineFields {
    /** Writes this marker's fields into the open object of {@code line}. */
    void writeFields(JsonLineWriter line);
}
