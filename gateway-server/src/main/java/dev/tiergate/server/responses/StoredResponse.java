package dev.tiergate.server.responses;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A response kept for {@code GET /v1/responses/{id}}, its input items and for continuing the
 * conversation: {@code conversation} holds every item said before and in it (earlier input and
 * output, this input, this output), which a request naming it as {@code previous_response_id}
 * puts before its own input. A store counts it by its encoded form ({@link StoredResponseCodec}).
 */
public record StoredResponse(String id, String teamId, ObjectNode response, List<ObjectNode> inputItems,
                             List<ObjectNode> conversation) {

    public StoredResponse {
        requireNonNull(id, "id");
        requireNonNull(teamId, "teamId");
        requireNonNull(response, "response");
        inputItems = List.copyOf(inputItems);
        conversation = List.copyOf(conversation);
    }

    /** A stored response under the response's own {@code id}. */
    public static StoredResponse of(String teamId, ObjectNode response, List<ObjectNode> inputItems,
                                    List<ObjectNode> conversation) {
        return new StoredResponse(response.get("id").textValue(), teamId, response, inputItems, conversation);
    }
}
