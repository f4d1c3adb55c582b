package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.tiergate.core.accounting.UsageRecord;
import dev.tiergate.core.error.GatewayError;
import dev.tiergate.core.error.OpenAiErrorBody;
import dev.tiergate.core.json.RawJson;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.Usage;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.provider.PassThrough;
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
 *
 * <p>A chunk whose upstream JSON was kept ({@link PassThrough}: an OpenAI-compatible upstream, the
 * chunk as it came) is sent as those bytes; so is the usage chunk, with only {@code cost_usd} added
 * to its {@code usage}. Any other chunk (a cache replay, a translated provider's, one a stage
 * changed) is encoded.
 */
final class ChatStreamFrames implements StreamFrames {
    static final String COST_FIELD = "cost_usd";

    private final boolean clientWantsUsage;
    private final RequestFacts facts;
    private final PassThrough passThrough;
    /** The usage-only chunk, held back until the stream ends and its cost is known. */
    private ChatChunk usageChunk;
    /** Its upstream JSON when it came as a usage-only chunk and was kept, else null. */
    private byte[] usageJson;

    ChatStreamFrames(boolean clientWantsUsage, RequestFacts facts) {
        this(clientWantsUsage, facts, null);
    }

    /** @param passThrough where the upstream JSON of chunks is kept, or null (every chunk is encoded) */
    ChatStreamFrames(boolean clientWantsUsage, RequestFacts facts, PassThrough passThrough) {
        this.clientWantsUsage = clientWantsUsage;
        this.facts = facts;
        this.passThrough = passThrough;
    }

    @Override
    public byte[] chunk(ChatChunk upstreamChunk) {
        byte[] upstreamJson = passThrough == null ? null : passThrough.take(upstreamChunk);
        if (upstreamChunk.usage() == null) {
            return upstreamJson != null ? SseEncoder.frame(upstreamJson) : SseEncoder.encode(upstreamChunk);
        }
        if (clientWantsUsage) {
            usageChunk = upstreamChunk.withChoices(List.of());
            usageJson = upstreamChunk.choices().isEmpty() ? upstreamJson : null;
        }
        return upstreamChunk.choices().isEmpty() ? null : SseEncoder.encode(upstreamChunk.withUsage(null));
    }

    @Override
    public byte[] end() {
        if (usageChunk == null) {
            return SseEncoder.done();
        }
        UsageRecord priced = facts.usage().get();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (usageJson != null) {
            out.writeBytes(SseEncoder.frame(priced == null ? usageJson
                    : RawJson.withNestedField(usageJson, "usage", COST_FIELD, priced.costUsd().toPlainString())));
        } else {
            out.writeBytes(SseEncoder.encode(usageChunk.withUsage(withCost(usageChunk.usage(), priced))));
        }
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
