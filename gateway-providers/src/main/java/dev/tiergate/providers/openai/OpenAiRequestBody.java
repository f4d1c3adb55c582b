package dev.tiergate.providers.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.error.InternalGatewayError;
import dev.tiergate.core.json.RawJson;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.StreamOptions;
import dev.tiergate.core.provider.PassThrough;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of a chat call for a client that already speaks OpenAI's format: its own bytes with the
 * fields the adapter sets patched in place ({@code model}, {@code stream}, {@code stream_options},
 * each as the encoded request would have it), when nothing else in the request changed on the way
 * but the {@code prompt_cache_key} the adapter adds (patched in too); else the request, to be
 * encoded whole.
 */
final class OpenAiRequestBody {
    private OpenAiRequestBody() {
    }

    /** A {@code byte[]} (the patched client body) or {@code request} itself. */
    static Object of(ChatRequest request, PassThrough passThrough) {
        Map<String, String> fields = new LinkedHashMap<>(4);
        byte[] clientBody = passThrough.clientBody(request);
        JsonNode cacheKey = request.extra().get(OpenAiAdapter.PROMPT_CACHE_KEY);
        if (clientBody == null && cacheKey != null) {
            // the adapter's own prompt_cache_key: the client's body with it patched in
            Map<String, JsonNode> asSent = new LinkedHashMap<>(request.extra());
            asSent.remove(OpenAiAdapter.PROMPT_CACHE_KEY);
            clientBody = passThrough.clientBody(request.withExtra(asSent));
            fields.put(OpenAiAdapter.PROMPT_CACHE_KEY, cacheKey.toString());
        }
        if (clientBody == null) {
            return request;
        }
        fields.put("model", encode(request.model()));
        fields.put("stream", encode(request.stream()));
        fields.put("stream_options", encode(request.streamOptions()));
        return RawJson.withFields(clientBody, fields);
    }

    /** The value as the mapper writes it; null (the field left out, as the mapper omits nulls) for null. */
    static String encode(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof StreamOptions options && options.extra().isEmpty()) {   // the usual one, without the mapper
            return options.includeUsage() == null ? "{}" : "{\"include_usage\":" + options.includeUsage() + "}";
        }
        if (value instanceof String text) {
            return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"';
        }
        if (value instanceof Boolean flag) {
            return flag.toString();
        }
        try {
            return OpenAiJson.reader().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new InternalGatewayError("cannot serialise the upstream request: " + e.getOriginalMessage(), e);
        }
    }
}
