package dev.tiergate.providers.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ContentPart;
import dev.tiergate.core.model.MessageContent;
import java.io.IOException;
import java.util.List;

/**
 * The shared mapper plus a reader for {@link MessageContent} (a string or a list of parts), which
 * responses need and the core mapper only writes.
 */
final class OpenAiJson {
    private static final ObjectMapper READER = Json.mapper().copy()
            .registerModule(new SimpleModule("openai-content").addDeserializer(MessageContent.class, new ContentReader()));

    private OpenAiJson() {
    }

    static ObjectMapper reader() {
        return READER;
    }

    private static final class ContentReader extends StdDeserializer<MessageContent> {
        private static final TypeReference<List<ContentPart>> PARTS = new TypeReference<>() {
        };

        ContentReader() {
            super(MessageContent.class);
        }

        @Override
        public MessageContent deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.START_ARRAY) {
                return new MessageContent.Parts(ctxt.readValue(p, ctxt.getTypeFactory().constructType(PARTS)));
            }
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return MessageContent.of(p.getText());
            }
            return (MessageContent) ctxt.handleUnexpectedToken(MessageContent.class, p);
        }

        @Override
        public MessageContent getNullValue(DeserializationContext ctxt) {
            return null;
        }
    }
}
