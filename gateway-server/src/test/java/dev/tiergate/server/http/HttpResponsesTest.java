package dev.tiergate.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.pipeline.Served;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The responses' headers skip only the name check: their names are ours, their values may come from a request. */
class HttpResponsesTest {

    @Test
    void anAnswersHeadersGoOnTheWireAsNamed() {
        RequestFacts facts = new RequestFacts();
        facts.served().set(new Served("openai", "gpt-4o-mini", null, 0, null));
        HttpResponse head = HttpResponses.eventStreamHead("req-1", facts);
        EmbeddedChannel channel = new EmbeddedChannel(new HttpResponseEncoder());
        channel.writeOutbound(head);
        ByteBuf wire = channel.readOutbound();
        String text = wire.toString(StandardCharsets.US_ASCII);
        wire.release();
        assertThat(text).startsWith("HTTP/1.1 200 OK\r\n")
                .contains("content-type: text/event-stream; charset=utf-8\r\n")
                .contains("x-tiergate-request-id: req-1\r\n", "request-id: req-1\r\n")
                .contains("x-tiergate-provider: openai\r\n", "x-tiergate-model: gpt-4o-mini\r\n");
        channel.finishAndReleaseAll();
    }

    @Test
    void aValueThatWouldSplitTheHeadIsStillRefused() {
        // a model name comes from the client's body: a line break in it must not start a header of its own
        RequestFacts facts = new RequestFacts();
        facts.served().set(new Served("openai", "gpt-4o\r\nset-cookie: x=1", null, 0, null));
        assertThatThrownBy(() -> HttpResponses.eventStreamHead("req-1", facts))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpResponses.json(HttpResponseStatus.OK, new byte[0], "id\r\nx: y"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
