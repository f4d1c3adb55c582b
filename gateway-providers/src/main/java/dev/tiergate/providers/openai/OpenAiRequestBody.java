package dev.tiergate.providers.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.tiergate.core.error.InternalGatewayError;
import dev.tiergate.core.json.RawJson;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.provider.PassThrough;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of a chat call for a client that already speaks OpenAI's format: its own bytes with the
 * fields the adapter sets patched in place ({@code model}, {@code stream}, {@code stream_options},
 * each as the encoded request would have it), when nothing else in the request changed on the way;
 * else the request, to be encoded whole.
 */
final class OpenAiRequestBody {
    private OpenAiRequestBody() {
    }

    /** A {@code byte[]} (the patched client body) or {@code request} itself. */
    static Object of(ChatRequest request, PassThrough passThrough) {
        byte[] clientBody = passThrough.clientBody(request);
        if (clientBody == null) {
            return request;
        }
        Map<String, String> fields = new LinkedHashMap<>(4);
        fields.put("model", encode(request.model()));
        fields.put("stream", encode(request.stream()));
        fields.put("stream_options", encode(request.streamOptions()));
        return RawJson.withFields(clientBody, fields);
    }

    /** The value as the mapper writes it; null (the field left out, as the mapper omits nulls) for null. */
    private static String encode(Object value) {
        if (value == null) {
            return null;
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
