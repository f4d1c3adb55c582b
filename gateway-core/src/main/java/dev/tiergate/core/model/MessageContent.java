package dev.tiergate.core.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.List;

/** A message's {@code content}: a plain string or a list of parts. */
@JsonSerialize(using = MessageContent.Serializer.class)
@JsonDeserialize(using = MessageContent.Deserializer.class)
public sealed interface MessageContent {

    /** The text of all text parts, concatenated; what caches and routers look at. */
    String text();

    static MessageContent of(String text) {
        return new Text(text);
    }

    record Text(String text) implements MessageContent {
    }

    record Parts(List<ContentPart> parts) implements MessageContent {
        public Parts {
            parts = List.copyOf(parts);
        }

        @Override
        public String text() {
            StringBuilder sb = new StringBuilder();
            for (ContentPart part : parts) {
                if (part.text() != null) {
                    if (!sb.isEmpty()) {
                        sb.append('\n');
                    }
                    sb.append(part.text());
                }
            }
            return sb.toString();
        }

        public boolean hasImage() {
            return parts.stream().anyMatch(p -> "image_url".equals(p.type()) || "input_image".equals(p.type()));
        }
    }

    /** Writes a string or an array, as OpenAI does. */
    final class Serializer extends StdSerializer<MessageContent> {
        public Serializer() {
            super(MessageContent.class);
        }

        @Override
        public void serialize(MessageContent value, JsonGenerator gen, SerializerProvider provider)
                throws IOException {
            switch (value) {
                case Text t -> gen.writeString(t.text());
                case Parts p -> provider.defaultSerializeValue(p.parts(), gen);
            }
        }
    }

    /** Reads a string or an array of parts, as providers send them. */
    final class Deserializer extends StdDeserializer<MessageContent> {
        public Deserializer() {
            super(MessageContent.class);
        }

        @Override
        public MessageContent deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return new Text(p.getText());
            }
            if (p.currentToken() == JsonToken.START_ARRAY) {
                ContentPart[] parts = ctxt.readValue(p, ContentPart[].class);
                return new Parts(List.of(parts));
            }
            return (MessageContent) ctxt.handleUnexpectedToken(MessageContent.class, p);
        }
    }
}
