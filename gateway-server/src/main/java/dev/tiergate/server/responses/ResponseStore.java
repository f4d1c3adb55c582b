package dev.tiergate.server.responses;

import java.util.concurrent.CompletionStage;

/**
 * Where stored responses live, per team: a team sees only its own (another team's id is not
 * found). Asynchronous so that a networked store (Redis) fits behind it; each implementation
 * bounds what it keeps and for how long.
 */
public interface ResponseStore {

    CompletionStage<Void> put(StoredResponse response);

    /** The team's response with this id; completes with null when there is none (unknown, expired, another team's). */
    CompletionStage<StoredResponse> get(String teamId, String id);

    /** Removes the team's response; completes with whether there was one. */
    CompletionStage<Boolean> delete(String teamId, String id);
}
