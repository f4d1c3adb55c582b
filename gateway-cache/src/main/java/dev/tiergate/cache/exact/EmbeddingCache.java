package dev.tiergate.cache.exact;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.model.EmbeddingResponse;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.pipeline.CacheDirectives;
import dev.tiergate.core.pipeline.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The exact cache of {@code /v1/embeddings}, per input string: a batch that repeats some inputs
 * sends only the new ones upstream. Key: SHA-256 of the team's namespace, the model, the
 * dimensions, the encoding format and the input text. Bounded by bytes, with the team's TTL: each
 * embedding is held as its JSON text (an array of numbers, or a base64 string) and written back as
 * it is, so the bound counts what it holds (a tree of number nodes takes twice and more).
 */
public final class EmbeddingCache {
    /** What an entry holds besides its text: the key string, the record and the cache's node. */
    private static final int ENTRY_OVERHEAD_BYTES = 200;
    private final ExactCacheSettings settings;
    private final Cache<String, Stored> entries;

    private EmbeddingCache(ExactCacheSettings settings) {
        this.settings = settings;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(settings.maxSizeBytes())
                .weigher((String key, Stored value) -> ENTRY_OVERHEAD_BYTES + key.length() + value.json().length())
                .expireAfter(new dev.tiergate.cache.internal.PerEntryTtl<String, Stored>(Stored::ttl))
                .build();
    }

    public static EmbeddingCache of(ExactCacheSettings settings) {
        return new EmbeddingCache(requireNonNull(settings, "settings"));
    }

    /**
     * Looks every input up. Null when the request cannot be cached per input (inputs that are not
     * text, e.g. token arrays) or the client bypasses the cache; no-store reads but never stores.
     */
    public Lookup lookup(Caller caller, String model, EmbeddingRequest request, CacheDirectives directives) {
        List<String> inputs = request.textInputs();
        if (inputs.isEmpty() || directives.bypass()) {
            return null;
        }
        String namespace = settings.namespaceFor(caller);
        JsonNode[] found = new JsonNode[inputs.size()];
        String[] keys = new String[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            keys[i] = key(namespace, model, request, inputs.get(i));
            Stored stored = entries.getIfPresent(keys[i]);
            if (stored != null) {
                found[i] = JsonNodeFactory.instance.rawValueNode(new RawValue(stored.json()));
            }
        }
        return new Lookup(caller, inputs, keys, found, !directives.noStore());
    }

    /** One lookup: the request's inputs and what the cache holds for each. */
    public final class Lookup {
        private final Caller caller;
        private final List<String> inputs;
        private final String[] keys;
        private final JsonNode[] found;
        private final boolean store;

        private Lookup(Caller caller, List<String> inputs, String[] keys, JsonNode[] found, boolean store) {
            this.caller = caller;
            this.inputs = inputs;
            this.keys = keys;
            this.found = found;
            this.store = store;
        }

        public int size() {
            return inputs.size();
        }

        public int hits() {
            int n = 0;
            for (JsonNode f : found) {
                n += f == null ? 0 : 1;
            }
            return n;
        }

        public boolean complete() {
            return hits() == inputs.size();
        }

        /** The distinct inputs to send upstream, in first-seen order. */
        public List<String> missing() {
            LinkedHashSet<String> out = new LinkedHashSet<>();
            for (int i = 0; i < inputs.size(); i++) {
                if (found[i] == null) {
                    out.add(inputs.get(i));
                }
            }
            return List.copyOf(out);
        }

        /** The request for the missing inputs only. */
        public EmbeddingRequest upstreamRequest(EmbeddingRequest request) {
            ArrayNode input = JsonNodeFactory.instance.arrayNode();
            missing().forEach(input::add);
            return request.withInput(input);
        }

        /** The answer when every input was stored: no upstream call, no tokens billed. */
        public EmbeddingResponse answerFromCache(String model) {
            return new EmbeddingResponse("list", items(Map.of()), model, Usage.of(0, 0), Map.of());
        }

        /**
         * The whole answer from the stored inputs and the upstream answer for {@link #missing()}
         * (whose items are matched by their {@code index}); stores the new ones unless the request
         * said {@code no-store}. The usage is what the upstream call billed.
         *
         * @throws IllegalStateException when the upstream answer does not match the inputs sent
         */
        public EmbeddingResponse complete(EmbeddingResponse upstream) {
            List<String> missing = missing();
            Map<String, JsonNode> fresh = new LinkedHashMap<>();
            for (JsonNode item : upstream.data()) {
                int index = item.path("index").asInt(-1);
                if (index < 0 || index >= missing.size() || !item.has("embedding")) {
                    throw new IllegalStateException("the provider's embedding answer has an item without a valid "
                            + "index or embedding (" + missing.size() + " inputs sent)");
                }
                fresh.put(missing.get(index), item.get("embedding"));
            }
            if (fresh.size() != missing.size()) {
                throw new IllegalStateException("the provider answered " + fresh.size() + " embeddings for "
                        + missing.size() + " inputs");
            }
            if (store) {
                Duration ttl = settings.ttlFor(caller);
                for (int i = 0; i < inputs.size(); i++) {
                    JsonNode embedding = fresh.get(inputs.get(i));
                    if (found[i] == null && embedding != null) {
                        entries.put(keys[i], new Stored(embedding.toString(), ttl));
                    }
                }
            }
            return new EmbeddingResponse(upstream.object(), items(fresh), upstream.model(), upstream.usage(),
                    upstream.extra());
        }

        private List<JsonNode> items(Map<String, JsonNode> fresh) {
            List<JsonNode> data = new ArrayList<>(inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                ObjectNode item = JsonNodeFactory.instance.objectNode();
                item.put("object", "embedding");
                item.put("index", i);
                item.set("embedding", found[i] != null ? found[i] : fresh.get(inputs.get(i)));
                data.add(item);
            }
            return data;
        }
    }

    private static String key(String namespace, String model, EmbeddingRequest request, String input) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {namespace, model, Objects.toString(request.dimensions()),
                    Objects.toString(request.encodingFormat()), input}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                sha.update((byte) (bytes.length >>> 24));
                sha.update((byte) (bytes.length >>> 16));
                sha.update((byte) (bytes.length >>> 8));
                sha.update((byte) bytes.length);
                sha.update(bytes);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    /** An embedding's JSON text (ASCII: a byte a character in a compact string). */
    private record Stored(String json, Duration ttl) {
    }
}
