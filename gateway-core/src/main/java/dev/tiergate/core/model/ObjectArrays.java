package dev.tiergate.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.error.InvalidRequestError;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Reads a request field that must be a non-empty array of objects (chat's {@code messages}, the
 * Responses API's {@code input} and {@code instructions}), each element with its own path
 * ({@code messages[2]}) for the errors of what reads it. Errors are {@code 400 invalid_request}
 * naming the field or the element.
 */
public final class ObjectArrays {
    private ObjectArrays() {
    }

    /**
     * Each element of {@code v}, read by {@code element} with its path. {@code expected} says what
     * the field may be ({@code "an array"}), {@code one} what an element is ({@code "message"}).
     */
    public static <T> List<T> read(JsonNode v, String field, String expected, String one,
                                   BiFunction<ObjectNode, String, T> element) {
        if (!v.isArray()) {
            throw invalid(field + ": expected " + expected + ", got " + ChatRequestParser.kind(v), field);
        }
        if (v.isEmpty()) {
            throw invalid(field + ": empty (expected: at least one " + one + ")", field);
        }
        List<T> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            String path = field + "[" + i + "]";
            JsonNode item = v.get(i);
            if (!item.isObject()) {
                throw invalid(path + ": expected an object, got " + ChatRequestParser.kind(item), path);
            }
            out.add(element.apply((ObjectNode) item, path));
        }
        return out;
    }

    private static InvalidRequestError invalid(String message, String param) {
        return new InvalidRequestError(message, "invalid_request", param);
    }
}
