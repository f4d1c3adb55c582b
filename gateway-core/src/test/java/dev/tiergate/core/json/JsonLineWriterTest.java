package dev.tiergate.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The writer's bytes are the ones Jackson's UTF-8 generator writes for the same calls: random
 * strings over every kind of character (controls, quotes, backslashes, DEL, two- and three-byte
 * characters, surrogate pairs and lone surrogates), numbers and nesting, against the generator.
 */
class JsonLineWriterTest {
    private static final JsonFactory JACKSON = new JsonFactory();
    private static final char[] KINDS = {
        'a', 'Z', '0', ' ', '~', '/', '"', '\\', '\b', '\t', '\n', '\f', '\r', 0, 0x01, 0x1F, 0x7F,
        0x80, 0xE9, 0x7FF, 0x800, 0x20AC, 0xFFFD, 0xFFFF, 0xD83D, 0xDE00, 0xDBFF, 0xDC00,
    };

    @Test
    void randomStringsAreWrittenAsJacksonWritesThem() {
        Random random = new Random(20261205);
        for (int n = 0; n < 5_000; n++) {
            String value = randomString(random);
            assertSameBytes(w -> w.startObject().field("s", value).endObject(), g -> {
                g.writeStartObject();
                g.writeStringField("s", value);
                g.writeEndObject();
            });
        }
    }

    @Test
    void surrogatePairsAndLoneSurrogatesAreEscaped() {
        String text = "smile \uD83D\uDE00, lone \uD800 and \uDC00";
        assertSameBytes(w -> w.string(text), g -> g.writeString(text));
        assertThat(new JsonLineWriter().string(text).toString())
                .isEqualTo("\"smile \\uD83D\\uDE00, lone \\uD800 and \\uDC00\"");
    }

    @Test
    void numbersBooleansAndNestedObjectsAreWrittenAsJacksonWritesThem() {
        Random random = new Random(7);
        for (int n = 0; n < 2_000; n++) {
            long whole = switch (n % 4) {
                case 0 -> random.nextInt(10);
                case 1 -> random.nextLong();
                case 2 -> -random.nextInt(1000);
                default -> n % 8 == 3 ? Long.MIN_VALUE : Long.MAX_VALUE;
            };
            BigDecimal decimal = BigDecimal.valueOf(random.nextLong(), random.nextInt(30) - 10);
            double real = switch (n % 5) {
                case 0 -> random.nextDouble() * 1e-6;
                case 1 -> Math.round(random.nextDouble() * 1e6) / 100.0;
                case 2 -> random.nextGaussian() * 1e22;
                case 3 -> Double.NaN;
                default -> n % 10 == 4 ? Double.POSITIVE_INFINITY : 0.0;
            };
            boolean flag = random.nextBoolean();
            assertSameBytes(w -> w.startObject().field("a", whole).startObject("o").field("d", decimal)
                            .plainField("p", decimal)
                            .startObject("e").endObject().field("r", real).endObject().field("b", flag).endObject(),
                    g -> {
                        g.writeStartObject();
                        g.writeNumberField("a", whole);
                        g.writeObjectFieldStart("o");
                        g.writeNumberField("d", decimal);
                        g.writeFieldName("p");
                        g.writeNumber(decimal.toPlainString());   // as WRITE_BIGDECIMAL_AS_PLAIN
                        g.writeObjectFieldStart("e");
                        g.writeEndObject();
                        g.writeNumberField("r", real);
                        g.writeEndObject();
                        g.writeBooleanField("b", flag);
                        g.writeEndObject();
                    });
        }
    }

    @Test
    void topLevelValuesAreSeparatedByWhatTheCallerWritesAndResetStartsAgain() {
        JsonLineWriter w = new JsonLineWriter(16);
        w.startObject().field("a", 1).endObject().raw((byte) '\n').startObject().field("b", "x").endObject();
        assertThat(w.toString()).isEqualTo("{\"a\":1}\n{\"b\":\"x\"}");

        w.reset().startObject().fieldIfSet("gone", null).fieldIfSet("kept", "y").endObject();
        assertThat(new String(w.toByteArray(), StandardCharsets.UTF_8)).isEqualTo("{\"kept\":\"y\"}");
        assertThat(w.size()).isEqualTo(w.toByteArray().length);
    }

    @Test
    void unbalancedObjectsAreRefused() {
        assertThatThrownBy(() -> new JsonLineWriter().endObject()).isInstanceOf(IllegalStateException.class);
    }

    private static String randomString(Random random) {
        int length = random.nextInt(4) == 0 ? random.nextInt(600) : random.nextInt(24);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(3) == 0 ? KINDS[random.nextInt(KINDS.length)] : (char) (' ' + random.nextInt(95)));
        }
        return text.toString();
    }

    private interface Generated {
        void write(JsonGenerator g) throws IOException;
    }

    private static void assertSameBytes(Consumer<JsonLineWriter> ours, Generated jackson) {
        JsonLineWriter writer = new JsonLineWriter(16);
        ours.accept(writer);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (JsonGenerator g = JACKSON.createGenerator(expected)) {
            jackson.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(writer.toByteArray()).as(() -> expected.toString(StandardCharsets.UTF_8))
                .isEqualTo(expected.toByteArray());
    }
}
