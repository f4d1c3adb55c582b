package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.error.NotFoundError;
import dev.tiergate.server.responses.ResponseStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The conversation a request's {@code previous_response_id} names: the stored items of the
 * caller's team's response (none without an id), or {@code 404 previous_response_not_found}.
 */
final class PreviousConversation {
    private PreviousConversation() {
    }

    static CompletionStage<List<ObjectNode>> load(ResponseStore store, String teamId, String previousResponseId) {
        if (previousResponseId == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        return store.get(teamId, previousResponseId).thenApply(previous -> {
            if (previous == null) {
                throw new CompletionException(new NotFoundError("Previous response with id '" + previousResponseId
                        + "' not found.", "previous_response_not_found", "previous_response_id"));
            }
            return previous.conversation();
        });
    }
}
