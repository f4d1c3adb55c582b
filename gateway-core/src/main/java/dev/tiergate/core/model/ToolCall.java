package dev.tiergate.core.model;

/**
 * A tool call in an assistant message, or a fragment of one in a stream chunk ({@code index} set,
 * other fields possibly partial).
 */
public record ToolCall(Integer index, String id, String type, FunctionCall function) {

    public static ToolCall function(String id, String name, String arguments) {
        return new ToolCall(null, id, "function", new FunctionCall(name, arguments));
    }

    /** Name and JSON-encoded arguments of a function call. */
    public record FunctionCall(String name, String arguments) {
    }
}
