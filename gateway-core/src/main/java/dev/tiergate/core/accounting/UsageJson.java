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
import dev.tiergate.core.json.JsonLineWriter;
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
     * them back as zero and false), then a newline. Written field by field ({@link JsonLineWriter}:
     * the bytes the mapper would write, {@code UsageLinesTest}), not through the mapper's bean
     * serializers: the usage file's writer does this for every request.
     */
    public static byte[] lines(List<UsageRecord> records) {
        JsonLineWriter out = new JsonLineWriter(records.size() * 480);
        for (UsageRecord record : records) {
            line(out, record);
            out.raw((byte) '\n');
        }
        return out.toByteArray();
    }

    /** One record's object, the fields in the record's order, zeros, false and nulls left out. */
    private static void line(JsonLineWriter out, UsageRecord r) {
        out.startObject()
                .field("request_id", r.requestId())
                .field("timestamp", r.timestamp().toString())
                .field("team", r.team())
                .fieldIfSet("key_id", r.keyId())
                .fieldIfSet("requested_model", r.requestedModel())
                .fieldIfSet("model", r.model())
                .fieldIfSet("provider", r.provider())
                .fieldIfSet("tier", r.tier())
                .fieldIfSet("cache", r.cache());
        if (r.stream()) {
            out.field("stream", true);
        }
        out.fieldIfSet("outcome", r.outcome());
        nonZero(out, "input_tokens", r.inputTokens());
        nonZero(out, "output_tokens", r.outputTokens());
        nonZero(out, "cached_tokens", r.cachedTokens());
        out.field("tokens_source", r.tokensSource().value())
                .plainField("cost_usd", r.costUsd())
                .plainField("saving_usd", r.savingUsd())
                .field("saving_reason", r.savingReason().value())
                .fieldIfSet("baseline_model", r.baselineModel());
        nonZero(out, "cache_write_tokens", r.cacheWriteTokens());
        nonZero(out, "cache_write1h_tokens", r.cacheWrite1hTokens());
        SavingsLedger l = r.ledger();
        out.startObject("ledger");
        nonZero(out, "baseline_nanos", l.baselineNanos());
        nonZero(out, "exact_cache_nanos", l.exactCacheNanos());
        nonZero(out, "semantic_cache_nanos", l.semanticCacheNanos());
        nonZero(out, "routing_nanos", l.routingNanos());
        nonZero(out, "prompt_cache_nanos", l.promptCacheNanos());
        nonZero(out, "escalation_nanos", l.escalationNanos());
        nonZero(out, "shadow_check_nanos", l.shadowCheckNanos());
        nonZero(out, "failed_attempts_nanos", l.failedAttemptsNanos());
        out.endObject().endObject();
    }

    private static void nonZero(JsonLineWriter out, String name, long value) {
        if (value != 0) {
            out.field(name, value);
        }
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
