package dev.tiergate.core.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.ChatRequestParser;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.StreamOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PassThroughTest {
    private static final byte[] BODY = """
            {"model":"auto","messages":[{"role":"user","content":"Hi"}],"x_vendor":{"a":1}}"""
            .getBytes(StandardCharsets.UTF_8);
    private final ChatRequest parsed = ChatRequestParser.parseChat(BODY);
    private final PassThrough passThrough = PassThrough.of(BODY, parsed);

    @Test
    void theClientBodyServesARequestChangedOnlyInModelAndStreaming() {
        ChatRequest routed = parsed.withModel("gpt-4o-mini").withStream(true, StreamOptions.withUsage(null, true));

        assertThat(passThrough.clientBody(routed)).isSameAs(BODY);
        assertThat(passThrough.clientBody(parsed)).isSameAs(BODY);
    }

    @Test
    void anyOtherChangeNeedsTheRequestEncoded() {
        assertThat(passThrough.clientBody(parsed.withMessages(List.of(Message.user("Hi there"))))).isNull();
        assertThat(passThrough.clientBody(parsed.withExtra(Map.of()))).isNull();
        assertThat(passThrough.clientBody(ChatRequest.of("auto", List.of(Message.user("Hi"))))).isNull();
    }

    @Test
    void keptBytesGoOutForTheVeryObjectOnceAndNotForAnEqualCopy() {
        ChatChunk chunk = new ChatChunk("c1", ChatChunk.OBJECT, 1L, "m", List.of(), null, null, Map.of());
        byte[] json = "{\"id\":\"c1\"}".getBytes(StandardCharsets.UTF_8);
        passThrough.keep(chunk, json);

        assertThat(passThrough.take(chunk.withModel("m"))).as("an equal copy a stage made").isNull();
        assertThat(passThrough.take(chunk)).isSameAs(json);
        assertThat(passThrough.take(chunk)).as("taken once").isNull();
    }
}
