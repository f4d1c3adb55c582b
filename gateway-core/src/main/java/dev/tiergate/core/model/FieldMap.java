package dev.tiergate.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable map of a few fields we do not model, in the order they came, held as one array of
 * names and values. A record of the answer model keeps one per object that has such fields, and the
 * caches keep thousands of answers: this costs 40 bytes for one field where a read-only
 * {@code LinkedHashMap} costs about 220.
 */
final class FieldMap extends AbstractMap<String, JsonNode> {
    /** Names at even indexes, each followed by its value. */
    private final Object[] namesAndValues;

    private FieldMap(Object[] namesAndValues) {
        this.namesAndValues = namesAndValues;
    }

    /** The fields of {@code fields}, in its iteration order. */
    static FieldMap of(Map<String, JsonNode> fields) {
        Object[] array = new Object[fields.size() * 2];
        int i = 0;
        for (Map.Entry<String, JsonNode> field : fields.entrySet()) {
            array[i++] = Objects.requireNonNull(field.getKey(), "field name");
            array[i++] = field.getValue();
        }
        return new FieldMap(array);
    }

    @Override
    public int size() {
        return namesAndValues.length / 2;
    }

    @Override
    public boolean containsKey(Object name) {
        return indexOf(name) >= 0;
    }

    @Override
    public JsonNode get(Object name) {
        int i = indexOf(name);
        return i < 0 ? null : (JsonNode) namesAndValues[i + 1];
    }

    private int indexOf(Object name) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Set<Entry<String, JsonNode>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return FieldMap.this.size();
            }

            @Override
            public Iterator<Entry<String, JsonNode>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < namesAndValues.length;
                    }

                    @Override
                    public Entry<String, JsonNode> next() {
                        if (next >= namesAndValues.length) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, JsonNode> entry = new SimpleImmutableEntry<>(
                                (String) namesAndValues[next], (JsonNode) namesAndValues[next + 1]);
                        next += 2;
                        return entry;
                    }
                };
            }
        };
    }
}
