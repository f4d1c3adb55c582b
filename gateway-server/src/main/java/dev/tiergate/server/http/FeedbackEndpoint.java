package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.error.ConflictError;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.NotFoundError;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.router.learning.LearningRouter;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * {@code POST /v1/feedback} with a team key and {@code {"request_id": "req_…", "score": 0.0–1.0}}
 * (optional {@code comment}, logged only for teams that opt in): a quality score for an answer the
 * router routed, which the team's bandit learns from. 204 when taken; 404 for an unknown, expired
 * or another team's request id; 400 for a bad body or score; 409 for a second score on the same
 * request. A stable surface: outside checks use it.
 */
final class FeedbackEndpoint implements Endpoint {
    private static final int MAX_COMMENT = 4096;

    private final Supplier<ServingState> state;

    FeedbackEndpoint(Supplier<ServingState> state) {
        this.state = state;
    }

    @Override
    public void handle(HttpCall call) {
        ServingState serving = state.get();
        Caller caller = serving.authenticator().authenticate(call.request.authorization());
        call.describe(caller, null);
        Feedback feedback = parse(call.request.body());
        LearningRouter learning = serving.learning();
        if (learning == null) {
            throw notFound(feedback.requestId());
        }
        learning.feedback(caller.teamId(), feedback.requestId(), feedback.score(), feedback.comment())
                .whenComplete((outcome, error) -> call.onLoop(() -> {
                    if (error != null) {
                        call.fail(error);
                        return;
                    }
                    switch (outcome) {
                        case ACCEPTED -> call.respond(HttpResponses.noContent(call.requestId), "feedback");
                        case NOT_FOUND -> call.fail(notFound(feedback.requestId()));
                        case ALREADY_SCORED -> call.fail(new ConflictError("request " + feedback.requestId()
                                + " was already scored (expected: one score per request)", "feedback_exists",
                                "request_id"));
                    }
                }));
    }

    /** The body's fields, validated. */
    record Feedback(String requestId, double score, String comment) {
    }

    static Feedback parse(byte[] body) {
        JsonNode json;
        try {
            json = body == null || body.length == 0 ? null : Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new InvalidRequestError("the body is not valid JSON (expected: {\"request_id\": \"req_...\", "
                    + "\"score\": 0.0-1.0})", "invalid_json", null);
        }
        if (json == null || !json.isObject()) {
            throw new InvalidRequestError("the body is not a JSON object (expected: {\"request_id\": \"req_...\", "
                    + "\"score\": 0.0-1.0})", "invalid_request", null);
        }
        JsonNode id = json.get("request_id");
        if (id == null || !id.isTextual() || id.asText().isBlank() || id.asText().length() > 200) {
            throw new InvalidRequestError("request_id: " + (id == null ? "missing" : id.toString())
                    + " (expected: the x-tiergate-request-id of an answer)", "invalid_value", "request_id");
        }
        JsonNode score = json.get("score");
        if (score == null || !score.isNumber() || !(score.asDouble() >= 0 && score.asDouble() <= 1)) {
            throw new InvalidRequestError("score: " + (score == null ? "missing" : score.toString())
                    + " (expected: a number from 0.0 to 1.0)", "invalid_value", "score");
        }
        JsonNode comment = json.get("comment");
        if (comment != null && !comment.isNull() && (!comment.isTextual() || comment.asText().length() > MAX_COMMENT)) {
            throw new InvalidRequestError("comment: expected a string of at most " + MAX_COMMENT + " characters",
                    "invalid_value", "comment");
        }
        return new Feedback(id.asText(), score.asDouble(),
                comment == null || comment.isNull() ? null : comment.asText());
    }

    private static NotFoundError notFound(String requestId) {
        return new NotFoundError("no routed request " + requestId + " of this team awaits feedback (unknown, "
                + "expired, or not routed by the learning router)", "request_not_found", "request_id");
    }
}
