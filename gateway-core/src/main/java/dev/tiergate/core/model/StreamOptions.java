package dev.tiergate.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** {@code stream_options}; {@code include_usage} asks for a final usage-only chunk. */
public record StreamOptions(Boolean includeUsage, @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {
    public StreamOptions {
        extra = Extras.copy(extra);
    }

    public boolean wantsUsage() {
        return Boolean.TRUE.equals(includeUsage);
    }

    /** {@code options} (may be null) with {@code include_usage} set to {@code include}, other fields kept. */
    public static StreamOptions withUsage(StreamOptions options, boolean include) {
        return new StreamOptions(include ? Boolean.TRUE : null, options == null ? Map.of() : options.extra());
    }
}
