package dev.tiergate.core.model;

/**
 * The fields that carry an Anthropic Messages exchange as it came through the OpenAI-shaped model,
 * so that an Anthropic upstream sends and answers it faithfully (thinking blocks and their
 * signatures, {@code cache_control}, fields the gateway does not know) while every other stage and
 * provider works on the translation. All three are gateway fields ({@link Extras#GATEWAY_PREFIX}):
 * no adapter ever sends them to a provider.
 */
public final class AnthropicOrigin {
    /**
     * A chat request's extra field: {@code {"body": <the Messages request without model and
     * stream>, "headers": {"anthropic-version": ..., "anthropic-beta": ...}}}.
     */
    public static final String REQUEST = Extras.GATEWAY_PREFIX + "anthropic_request";
    /** A complete answer's extra field: the Anthropic message as the upstream sent it. */
    public static final String MESSAGE = Extras.GATEWAY_PREFIX + "anthropic_message";
    /** A stream chunk's extra field: the Anthropic stream event it came from, as the upstream sent it. */
    public static final String EVENT = Extras.GATEWAY_PREFIX + "anthropic_event";

    private AnthropicOrigin() {
    }
}
