package dev.tiergate.inference.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.model.Message;
import dev.tiergate.core.model.MessageContent;
import dev.tiergate.core.model.ToolCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JtokkitTokenCounterTest {
    private static final JtokkitTokenCounter O200K = JtokkitTokenCounter.o200k();
    private static final JtokkitTokenCounter CL100K = JtokkitTokenCounter.cl100k();

    @Test
    void namesItsEncoding() {
        assertThat(O200K.encoding()).isEqualTo("o200k_base");
        assertThat(CL100K.encoding()).isEqualTo("cl100k_base");
    }

    @Test
    void countsTextWithTheEncodingItWasBuiltWith() {
        assertThat(O200K.text("hello world")).isEqualTo(2);
        assertThat(CL100K.text("hello world")).isEqualTo(2);
        assertThat(O200K.text("Привет, как дела?")).isEqualTo(6);
        assertThat(CL100K.text("Привет, как дела?")).isEqualTo(8);
        assertThat(O200K.text(new StringBuilder("こんにちは世界"))).isEqualTo(2);
        assertThat(O200K.text("")).isZero();
        assertThat(O200K.text(null)).isZero();
    }

    @Test
    void specialTokensAreCountedAsPlainText() {
        assertThat(O200K.text("<|endoftext|>")).isGreaterThan(1);
    }

    @Test
    void promptCountsRolesTextsAndOpenAisFraming() {
        // "user" and "hello" are one token each, plus 3 for the message and 3 for the reply.
        assertThat(O200K.prompt(ChatRequest.of("gpt-4o", List.of(Message.user("hello"))))).isEqualTo(8);
        assertThat(O200K.prompt(ChatRequest.of("gpt-4o", List.of(Message.system("hello"), Message.user("hello")))))
                .isEqualTo(3 + 2 * (3 + 1 + 1));
    }

    @Test
    void promptCountsNamesAndToolCalls() {
        Message named = new Message("user", MessageContent.of("hello"), "alice", null, null, Map.of());
        Message call = new Message("assistant", null, null, List.of(new ToolCall(0, "call_1", "function",
                new ToolCall.FunctionCall("get_weather", "{\"city\":\"Paris\"}"))), null, Map.of());
        int plain = O200K.prompt(ChatRequest.of("gpt-4o", List.of(Message.user("hello"))));
        assertThat(O200K.prompt(ChatRequest.of("gpt-4o", List.of(named)))).isEqualTo(plain + 1);
        // assistant (1) + get_weather (2) + {"city":"Paris"} (5) + 3 framing
        assertThat(O200K.prompt(ChatRequest.of("gpt-4o", List.of(Message.user("hello"), call))))
                .isEqualTo(plain + 3 + 1 + 2 + 5);
    }
}
