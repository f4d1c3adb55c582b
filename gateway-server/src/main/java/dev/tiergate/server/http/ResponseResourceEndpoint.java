package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.error.NotFoundError;
import dev.tiergate.core.pipeline.Caller;
import dev.tiergate.server.responses.ResponseEventStream;
import dev.tiergate.server.responses.ResponseStore;
import dev.tiergate.server.responses.StoredResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * A stored response of the caller's team, by the {@code id} in its path: {@code GET
 * /v1/responses/{id}} (the response; with {@code stream=true} its event sequence replayed, from
 * {@code starting_after}), {@code DELETE /v1/responses/{id}}, {@code GET
 * /v1/responses/{id}/input_items} (its input items, a page at a time: {@code order},
 * {@code limit}, {@code after}) and {@code POST /v1/responses/{id}/cancel} (background responses
 * are not served, so a found response is refused as OpenAI refuses a synchronous one). Another
 * team's id is not found, like an unknown one.
 */
final class ResponseResourceEndpoint implements Endpoint {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** What is done with the stored response. */
    enum Action { RETRIEVE, DELETE, INPUT_ITEMS, CANCEL }

    private final Supplier<ServingState> state;
    private final ResponseStore store;
    private final Action action;

    ResponseResourceEndpoint(Supplier<ServingState> state, ResponseStore store, Action action) {
        this.state = state;
        this.store = store;
        this.action = action;
    }

    @Override
    public void handle(HttpCall call) {
        Caller caller = state.get().authenticator().authenticate(call.request.authorization());
        call.describe(caller, null);
        String id = call.pathParameter("id");
        Page page = action == Action.INPUT_ITEMS ? Page.of(call.request) : null;
        Replay replay = action == Action.RETRIEVE ? Replay.of(call.request) : null;
        if (action == Action.DELETE) {
            store.delete(caller.teamId(), id).whenComplete((deleted, error) -> call.onLoop(() -> {
                if (error != null) {
                    call.fail(error);
                } else if (!deleted) {
                    call.fail(notFound(id));
                } else {
                    ObjectNode body = NODES.objectNode().put("id", id).put("object", "response").put("deleted", true);
                    call.respond(HttpResponses.json(HttpResponseStatus.OK, body, call.requestId), "deleted");
                }
            }));
            return;
        }
        store.get(caller.teamId(), id).whenComplete((stored, error) -> call.onLoop(() -> {
            if (error != null) {
                call.fail(error);
            } else if (stored == null) {
                call.fail(notFound(id));
            } else if (action == Action.CANCEL) {
                call.fail(new InvalidRequestError("Cannot cancel a synchronous response. (Only responses created"
                        + " with background: true can be cancelled, and this gateway does not serve background"
                        + " responses.)", null, null));
            } else if (replay != null && replay.stream()) {
                call.respond(replay.of(stored, call.requestId), "replayed");
            } else {
                ObjectNode body = action == Action.RETRIEVE ? stored.response() : page.of(stored);
                call.respond(HttpResponses.json(HttpResponseStatus.OK, body, call.requestId), "found");
            }
        }));
    }

    private static NotFoundError notFound(String id) {
        return new NotFoundError("Response with id '" + id + "' not found.", "not_found", null);
    }

    /** {@code stream=true}: the stored response's events after {@code starting_after} (a sequence number), as SSE. */
    private record Replay(boolean stream, int startingAfter) {

        static Replay of(IncomingRequest request) {
            String stream = request.queryParam("stream");
            if (stream != null && !stream.equals("true") && !stream.equals("false")) {
                throw new InvalidRequestError("stream: '" + stream + "' (expected: true or false)", "invalid_request",
                        "stream");
            }
            String after = request.queryParam("starting_after");
            int startingAfter = -1;
            if (after != null) {
                try {
                    startingAfter = Integer.parseInt(after);
                } catch (NumberFormatException e) {
                    startingAfter = -2;
                }
                if (startingAfter < -1) {
                    throw new InvalidRequestError("starting_after: '" + after + "' (expected: a sequence number, >= 0)",
                            "invalid_request", "starting_after");
                }
            }
            return new Replay("true".equals(stream), startingAfter);
        }

        FullHttpResponse of(StoredResponse stored, String requestId) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (ObjectNode event : ResponseEventStream.replay(stored.response())) {
                if (event.get("sequence_number").asInt() > startingAfter) {
                    body.writeBytes(ResponseEventStream.frame(event));
                }
            }
            FullHttpResponse res = HttpResponses.json(HttpResponseStatus.OK, body.toByteArray(), requestId);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
            return res;
        }
    }

    /** One page of input items: {@code order} (asc or desc, the default), {@code limit} (1-100, 20), {@code after} an item id. */
    private record Page(boolean ascending, int limit, String after) {

        static Page of(IncomingRequest request) {
            String order = request.queryParam("order");
            if (order != null && !order.equals("asc") && !order.equals("desc")) {
                throw new InvalidRequestError("order: '" + order + "' (expected: asc or desc)", "invalid_request", "order");
            }
            String limitText = request.queryParam("limit");
            int limit = 20;
            if (limitText != null) {
                try {
                    limit = Integer.parseInt(limitText);
                } catch (NumberFormatException e) {
                    limit = -1;
                }
                if (limit < 1 || limit > 100) {
                    throw new InvalidRequestError("limit: '" + limitText + "' (expected: an integer between 1 and 100)",
                            "invalid_request", "limit");
                }
            }
            return new Page("asc".equals(order), limit, request.queryParam("after"));
        }

        ObjectNode of(StoredResponse stored) {
            List<ObjectNode> items = new ArrayList<>(stored.inputItems());
            if (!ascending) {
                Collections.reverse(items);
            }
            int start = 0;
            if (after != null) {
                start = items.size();
                for (int i = 0; i < items.size(); i++) {
                    if (after.equals(items.get(i).path("id").asText(null))) {
                        start = i + 1;
                        break;
                    }
                }
            }
            int end = Math.min(items.size(), start + limit);
            ObjectNode list = NODES.objectNode().put("object", "list");
            ArrayNode data = list.putArray("data");
            items.subList(start, end).forEach(data::add);
            if (start < end) {
                list.put("first_id", items.get(start).path("id").asText());
                list.put("last_id", items.get(end - 1).path("id").asText());
            } else {
                list.putNull("first_id");
                list.putNull("last_id");
            }
            list.put("has_more", end < items.size());
            return list;
        }
    }
}
