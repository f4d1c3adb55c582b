package dev.tiergate.core.accounting;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The JSON form of usage records and reports: snake_case, ISO-8601 times, plain decimals. */
public final class UsageJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private UsageJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String write(UsageRecord record) {
        try {
            return MAPPER.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Records as JSON Lines: each as {@link #write} writes it, then a newline; written by one
     * generator into one array (no string per record), as a batch of the usage file is.
     */
    public static byte[] lines(List<UsageRecord> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(records.size() * 512);
        try (JsonGenerator generator = MAPPER.createGenerator(out)) {
            generator.setRootValueSeparator(null);
            for (UsageRecord record : records) {
                MAPPER.writeValue(generator, record);
                generator.writeRaw('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Parses one record; IllegalArgumentException when the text is not one. */
    public static UsageRecord read(String json) {
        try {
            return MAPPER.readValue(json, UsageRecord.class);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not a usage record: " + e.getMessage(), e);
        }
    }
}
