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

/**
 * The JSON form of usage records and reports: snake_case, ISO-8601 times, plain decimals. A usage
 * file's lines ({@link #lines}) leave out what reads back the same when absent: token counts and
 * ledger parts at zero, {@code stream} when false.
 */
public final class UsageJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();
    /** {@link #MAPPER} with the counts, flags and ledger parts that are zero or false left out. */
    private static final ObjectMapper LINES = MAPPER.copy()
            .addMixIn(UsageRecord.class, ZerosLeftOut.Record.class)
            .addMixIn(SavingsLedger.class, ZerosLeftOut.Ledger.class);

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
     * Records as JSON Lines, as a batch of the usage file is: each as {@link #write} writes it but
     * without its zero counts, zero ledger parts and a false {@code stream} ({@link #read} reads
     * them back as zero and false), then a newline; written by one generator into one array (no
     * string per record).
     */
    public static byte[] lines(List<UsageRecord> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(records.size() * 512);
        try (JsonGenerator generator = LINES.createGenerator(out)) {
            generator.setRootValueSeparator(null);
            for (UsageRecord record : records) {
                LINES.writeValue(generator, record);
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

    /** Mix-ins for {@link #LINES}: the properties left out of a usage file's line when they are zero or false. */
    private static final class ZerosLeftOut {
        private ZerosLeftOut() {
        }

        @SuppressWarnings("unused")
        abstract static class Record {
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) abstract boolean stream();
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) abstract long inputTokens();
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) abstract long outputTokens();
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) abstract long cachedTokens();
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) abstract long cacheWriteTokens();
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) abstract long cacheWrite1hTokens();
        }

        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        abstract static class Ledger {
        }
    }
}
