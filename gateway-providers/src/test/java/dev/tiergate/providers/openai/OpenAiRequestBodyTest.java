package dev.tiergate.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tiergate.core.model.StreamOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The values patched into a client's body are written exactly as the mapper would write them. */
class OpenAiRequestBodyTest {

    @Test
    void streamOptionsAsTheMapperWritesThem() throws Exception {
        for (StreamOptions options : new StreamOptions[] {new StreamOptions(true, Map.of()),
                new StreamOptions(false, Map.of()), new StreamOptions(null, Map.of()),
                new StreamOptions(true, Map.of("x_more", JsonNodeFactory.instance.numberNode(2)))}) {
            assertThat(OpenAiRequestBody.encode(options)).as("%s", options)
                    .isEqualTo(OpenAiJson.reader().writeValueAsString(options));
        }
    }

    @Test
    void stringsAndFlagsAsTheMapperWritesThem() throws Exception {
        for (Object value : new Object[] {"gpt-4o", "a \"quoted\" \\ name é", Boolean.TRUE, Boolean.FALSE}) {
            assertThat(OpenAiRequestBody.encode(value)).isEqualTo(OpenAiJson.reader().writeValueAsString(value));
        }
        assertThat(OpenAiRequestBody.encode(null)).isNull();
    }
}
