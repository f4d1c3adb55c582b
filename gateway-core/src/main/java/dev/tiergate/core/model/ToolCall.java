package dev.tiergate.core.model;

import java.util.List;

/**
 * A tool call in an assistant message, or a fragment of one in a stream chunk ({@code index} set,
 * other fields possibly partial).
 */
public record ToolCall(Integer index, String id, String type, FunctionCall function) {

    public static ToolCall function(String id, String name, String arguments) {
        return new ToolCall(null, id, "function", new FunctionCall(name, arguments));
    }

    /**
     * A whole call as OpenAI streams it, for a call whose arguments are known at once: the opening
     * fragment ({@code index}, {@code id}, {@code type}, {@code function.name} and
     * {@code arguments: ""}), then one fragment with the arguments ({@code index} and
     * {@code function.arguments} only; none when they are empty). Code that concatenates the
     * {@code arguments} of every fragment of an index, the opening one included, gets them once.
     */
    public List<ToolCall> streamFragments(int streamIndex) {
        String name = function == null ? null : function.name();
        String arguments = function == null || function.arguments() == null ? "" : function.arguments();
        ToolCall opening = new ToolCall(streamIndex, id, type == null ? "function" : type, new FunctionCall(name, ""));
        if (arguments.isEmpty()) {
            return List.of(opening);
        }
        return List.of(opening, argumentsFragment(streamIndex, arguments));
    }

    /** A later fragment of a streamed call: its index and a piece of its arguments. */
    public static ToolCall argumentsFragment(int streamIndex, String arguments) {
        return new ToolCall(streamIndex, null, null, new FunctionCall(null, arguments));
    }

    /** Name and JSON-encoded arguments of a function call. */
    public record FunctionCall(String name, String arguments) {
    }
}
