package dev.tiergate.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tiergate.core.config.Pricing;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bundled, dated list of list prices ({@code tiergate-prices.yaml}) for the common OpenAI,
 * Anthropic and Gemini models. A model name matches its entry exactly, or the longest entry it
 * starts with followed by {@code -} (dated snapshots: {@code gpt-4o-2024-08-06}).
 */
public final class DefaultPrices {
    private static final String RESOURCE = "/tiergate-prices.yaml";
    private static final DefaultPrices BUNDLED = load();

    private final String asOf;
    private final Map<String, Pricing> prices;

    private DefaultPrices(String asOf, Map<String, Pricing> prices) {
        this.asOf = asOf;
        this.prices = prices;
    }

    public static DefaultPrices bundled() {
        return BUNDLED;
    }

    /** The date of the list. */
    public String asOf() {
        return asOf;
    }

    /** The price of a model, or null when the list does not know it. */
    public Pricing lookup(String model) {
        if (model == null) {
            return null;
        }
        Pricing exact = prices.get(model);
        if (exact != null) {
            return exact;
        }
        String best = null;
        for (String name : prices.keySet()) {
            if (model.startsWith(name + "-") && (best == null || name.length() > best.length())) {
                best = name;
            }
        }
        return best == null ? null : prices.get(best);
    }

    private static BigDecimal orElse(JsonNode entry, String field, BigDecimal otherwise) {
        return entry.has(field) ? entry.path(field).decimalValue() : otherwise;
    }

    private static DefaultPrices load() {
        try (InputStream in = DefaultPrices.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("bundled price list missing: " + RESOURCE);
            }
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
            Map<String, Pricing> prices = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("models").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode entry = e.getValue();
                BigDecimal input = entry.path("input").decimalValue();
                prices.put(e.getKey(), new Pricing(input, entry.path("output").decimalValue(),
                        orElse(entry, "cached-input", input), orElse(entry, "cache-write", input),
                        orElse(entry, "cache-write-1h", input)));
            }
            return new DefaultPrices(root.path("as-of").asText(), Map.copyOf(prices));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
