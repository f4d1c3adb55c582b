package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.OpenAiErrorBody;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.sse.SseEncoder;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chat completion chunks as OpenAI streams them: {@code data: <chunk>} each, {@code data: [DONE]}
 * at the end, an OpenAI error body on failure. Every stream carries the provider's usage; a client
 * that did not ask for it ({@code include_usage}) never sees it. A client that asked gets it as
 * OpenAI sends it, in a chunk of its own without choices just before {@code [DONE]}, with the
 * answer's cost added once the stream has been priced: {@code usage.cost_usd}, the figure the
 * {@code x-tiergate-cost-usd} header gives for an answer that is not streamed (a stream's head goes
 * out before its cost is known).
 */
final class ChatStreamFrames implements StreamFrames {
    static final String COST_FIELD = "cost_usd";

    private final boolean clientWantsUsage;
    private final RequestFacts facts;
    /** The usage-only chunk, held back until the stream ends and its cost is known. */
    private ChatChunk usageChunk;

    ChatStreamFrames(boolean clientWantsUsage, RequestFacts facts) {
        this.clientWantsUsage = clientWantsUsage;
        this.facts = facts;
    }

    @Override
    public byte[] chunk(ChatChunk upstreamChunk) {
        if (upstreamChunk.usage() == null) {
            return SseEncoder.encode(upstreamChunk);
        }
        if (clientWantsUsage) {
            usageChunk = upstreamChunk.withChoices(List.of());
        }
        return upstreamChunk.choices().isEmpty() ? null : SseEncoder.encode(upstreamChunk.withUsage(null));
    }

    @Override
    public byte[] end() {
        if (usageChunk == null) {
            return SseEncoder.done();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SseEncoder.encode(usageChunk.withUsage(withCost(usageChunk.usage(), facts.usage().get()))));
        out.writeBytes(SseEncoder.done());
        return out.toByteArray();
    }

    @Override
    public byte[] failure(GatewayError error) {
        return SseEncoder.frame(OpenAiErrorBody.toJson(error));
    }

    /** {@code usage} with {@code cost_usd} (a plain decimal number) when the answer has been priced. */
    private static Usage withCost(Usage usage, UsageRecord priced) {
        if (priced == null) {
            return usage;
        }
        Map<String, JsonNode> extra = new LinkedHashMap<>(usage.extra());
        extra.put(COST_FIELD, JsonNodeFactory.instance.rawValueNode(new RawValue(priced.costUsd().toPlainString())));
        return new Usage(usage.promptTokens(), usage.completionTokens(), usage.totalTokens(), extra);
    }
}
