package dev.tiergate.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One part of a multi-part message: {@code text}, {@code image_url} or any other type, whose
 * fields stay in {@code extra}.
 */
public record ContentPart(
        String type,
        String text,
        ImageUrl imageUrl,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public ContentPart {
        extra = Extras.copy(extra);
    }

    public static ContentPart text(String text) {
        return new ContentPart("text", text, null, Map.of());
    }

    public static ContentPart image(String url) {
        return new ContentPart("image_url", null, new ImageUrl(url, null), Map.of());
    }

    /** {@code image_url} part payload. */
    public record ImageUrl(String url, String detail) {
    }
}
