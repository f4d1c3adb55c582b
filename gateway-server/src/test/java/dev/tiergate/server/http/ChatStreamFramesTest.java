package dev.tiergate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.core.accounting.SavingReason;
import dev.tiergate.core.accounting.TokensSource;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.pipeline.RequestFacts;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The usage chunk: held back to the end, priced, split from choices, or hidden when not asked for. */
class ChatStreamFramesTest {
    private final RequestFacts facts = new RequestFacts();

    private static ChatChunk finishWithUsage() {
        return new ChatChunk("chatcmpl-1", ChatChunk.OBJECT, 1L, "m",
                List.of(new ChatChunk.ChunkChoice(0, new ChatChunk.Delta(null, null, null, Map.of()), "stop", Map.of())),
                Usage.of(10, 5), null, Map.of());
    }

    private static String text(byte[] frame) {
        return frame == null ? null : new String(frame, StandardCharsets.UTF_8);
    }

    @Test
    void aChunkWithChoicesAndUsageIsSplitAndTheUsageComesLastWithItsCost() {
        ChatStreamFrames frames = new ChatStreamFrames(true, facts);

        String finish = text(frames.chunk(finishWithUsage()));
        facts.usage().set(new UsageRecord("r", Instant.EPOCH, "t", "k", "m", "m", "p", null, null, true,
                UsageRecord.COMPLETE, 10, 5, 0, TokensSource.PROVIDER, new BigDecimal("0.0000012500"),
                BigDecimal.ZERO, SavingReason.NONE, "m"));
        String end = text(frames.end());

        assertThat(finish).isEqualTo("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":null}\n\n");
        assertThat(end).isEqualTo("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,"
                + "\"total_tokens\":15,\"cost_usd\":0.0000012500}}\n\ndata: [DONE]\n\n");
    }

    @Test
    void aClientThatDidNotAskForUsageNeverSeesIt() {
        ChatStreamFrames frames = new ChatStreamFrames(false, facts);

        assertThat(text(frames.chunk(finishWithUsage()))).contains("\"usage\":null").doesNotContain("prompt_tokens");
        assertThat(frames.chunk(finishWithUsage().withChoices(List.of()))).isNull();
        assertThat(text(frames.end())).isEqualTo("data: [DONE]\n\n");
    }

    @Test
    void anUnpricedStreamStillGetsItsUsage() {
        ChatStreamFrames frames = new ChatStreamFrames(true, facts);

        assertThat(frames.chunk(finishWithUsage().withChoices(List.of()))).isNull();

        assertThat(text(frames.end())).contains("\"total_tokens\":15}").doesNotContain("cost_usd").endsWith("data: [DONE]\n\n");
    }
}
