package dev.tiergate.cache.exact;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tiergate.cache.internal.CanonicalJson;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.pipeline.Exchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.TreeSet;

/**
 * The SHA-256 of a request's canonical form: namespace, requested model, tier, messages, tools,
 * tool_choice, response_format, every sampling parameter, and the fields we do not model. Objects
 * are written with sorted keys, without whitespace, and numbers in their shortest decimal form, so
 * key order, whitespace and {@code 1} vs {@code 1.0} do not matter. {@code stream},
 * {@code stream_options} and {@code user} are left out: they do not change the answer, and stream
 * and plain requests share one entry. The namespace is kept beside the hash too, so an admin can
 * list and invalidate one namespace's entries.
 */
record CacheKey(String namespace, long h0, long h1, long h2, long h3) {

    private static final JsonFactory FACTORY = Json.mapper().getFactory();

    static CacheKey of(String namespace, Exchange exchange) {
        return of(namespace, exchange.chat());
    }

    static CacheKey of(String namespace, ChatRequest request) {
        return ofBytes(namespace, canonicalBytes(namespace, request));
    }

    /**
     * The canonical form, written straight from the parsed request (fields in sorted order, plain
     * messages without a tree): the bytes of the tree {namespace, model, messages and the answer
     * parameters of {@link CanonicalJson#putAnswerParameters}} written by {@link CanonicalJson#bytes}.
     */
    static byte[] canonicalBytes(String namespace, ChatRequest r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            if (!r.extra().isEmpty()) {
                g.writeFieldName("extra");
                g.writeStartObject();
                for (String name : new TreeSet<>(r.extra().keySet())) {
                    g.writeFieldName(name);
                    CanonicalJson.writeValue(r.extra().get(name), g);
                }
                g.writeEndObject();
            }
            CanonicalJson.writeIfSet(g, "max_completion_tokens", r.maxCompletionTokens());
            CanonicalJson.writeIfSet(g, "max_tokens", r.maxTokens());
            g.writeFieldName("messages");
            CanonicalJson.writeMessages(r.messages(), g);
            g.writeFieldName("model");
            g.writeString(r.model());
            CanonicalJson.writeIfSet(g, "n", r.n());
            g.writeFieldName("namespace");
            g.writeString(namespace);
            CanonicalJson.writeIfSet(g, "response_format", r.responseFormat());
            CanonicalJson.writeIfSet(g, "seed", r.seed());
            CanonicalJson.writeIfSet(g, "stop", r.stop());
            CanonicalJson.writeIfSet(g, "temperature", r.temperature());
            CanonicalJson.writeIfSet(g, "tool_choice", r.toolChoice());
            CanonicalJson.writeIfSet(g, "tools", r.tools());
            CanonicalJson.writeIfSet(g, "top_p", r.topP());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static CacheKey ofBytes(String namespace, byte[] canonical) {
        ByteBuffer hash = ByteBuffer.wrap(CanonicalJson.sha256(canonical));
        return new CacheKey(namespace, hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong());
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits(h0) + hex.toHexDigits(h1) + hex.toHexDigits(h2) + hex.toHexDigits(h3);
    }
}
