package dev.tiergate.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.error.InvalidRequestError;
import dev.tiergate.core.model.Extras;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The request fields we do not model, on their way to a provider whose API is not OpenAI's: those
 * it has no use for are dropped, those it cannot honour are refused (unless they ask for nothing),
 * the rest pass through untouched. The gateway's own fields ({@link Extras#GATEWAY_PREFIX}) never do.
 */
public final class ExtraParams {
    private ExtraParams() {
    }

    /**
     * @param dropped     fields silently left out (e.g. {@code store})
     * @param unsupported fields refused with a 400 naming them, unless unset ({@code null},
     *                    {@code false}, {@code 0}, empty) or {@code modalities} asking for text only
     * @param provider    the provider's name, for the error message
     */
    public static Map<String, JsonNode> passThrough(Map<String, JsonNode> extra, Set<String> dropped,
                                                    Set<String> unsupported, String provider) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : extra.entrySet()) {
            String name = e.getKey();
            if (dropped.contains(name) || name.startsWith(Extras.GATEWAY_PREFIX)) {
                continue;
            }
            if (unsupported.contains(name)) {
                if (isUnset(e.getValue()) || "modalities".equals(name) && isTextOnly(e.getValue())) {
                    continue;
                }
                throw unsupported(name + ": not supported by " + provider + " (expected: omitted)", name);
            }
            out.put(name, e.getValue());
        }
        return out;
    }

    /** A 400 for a parameter the provider cannot honour. */
    public static InvalidRequestError unsupported(String message, String param) {
        return new InvalidRequestError(message, "unsupported_parameter", param);
    }

    /** null, false, 0 and empty objects or arrays ask for nothing. */
    private static boolean isUnset(JsonNode v) {
        return v.isNull() || (v.isBoolean() && !v.booleanValue()) || (v.isNumber() && v.doubleValue() == 0)
                || (v.isContainerNode() && v.isEmpty());
    }

    private static boolean isTextOnly(JsonNode modalities) {
        for (JsonNode m : modalities) {
            if (!"text".equals(m.asText())) {
                return false;
            }
        }
        return true;
    }
}
