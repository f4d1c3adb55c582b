package dev.tiergate.server.accounting;

import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.pipeline.AttributeKey;
import dev.tiergate.core.pipeline.ChatExchange;
import dev.tiergate.core.routing.RouteDecision;
import dev.tiergate.core.routing.RoutingAttributes;
import java.util.List;
import java.util.Map;

/**
 * What accounting learned about one chat request, read by the request log when the response is
 * finished: budget warnings from the limits, the usage record once the answer is complete, and
 * the prompt and completion text when the team opted in ({@code log-prompts}).
 */
public final class RequestAccounting {
    public static final AttributeKey<RequestAccounting> KEY = AttributeKey.of("accounting", RequestAccounting.class);

    private volatile List<String> warnings = List.of();
    private volatile UsageRecord record;
    private volatile String prompt;
    private volatile String completion;
    private final Map<AttributeKey<?>, Object> attributes;

    private RequestAccounting(Map<AttributeKey<?>, Object> attributes) {
        this.attributes = attributes;
    }

    /** The accounting of an exchange, created on first use. */
    public static RequestAccounting of(ChatExchange exchange) {
        return (RequestAccounting) exchange.attributes().computeIfAbsent(KEY,
                k -> new RequestAccounting(exchange.attributes()));
    }

    /** What the complexity router decided for this request, or null when it was not routed. */
    public RouteDecision routeDecision() {
        return (RouteDecision) attributes.get(RoutingAttributes.ROUTE_DECISION);
    }

    public List<String> warnings() {
        return warnings;
    }

    void warnings(List<String> newWarnings) {
        this.warnings = List.copyOf(newWarnings);
    }

    /** The usage record, or null when nothing was answered (yet). */
    public UsageRecord record() {
        return record;
    }

    void record(UsageRecord newRecord) {
        this.record = newRecord;
    }

    /** The prompt text, only when the team logs prompts. */
    public String prompt() {
        return prompt;
    }

    public String completion() {
        return completion;
    }

    void texts(String promptText, String completionText) {
        this.prompt = promptText;
        this.completion = completionText;
    }
}
