package dev.tiergate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Places Anthropic prompt-cache breakpoints ({@code cache_control: {type: ephemeral}}) on the
 * longest stable prefix of a Messages request body, in the order Anthropic builds its cache
 * prefix: tools, system, messages. Candidates, most valuable first:
 * <ol>
 *   <li>the last block of the last user turn: the whole conversation so far, which the next turn
 *       repeats and reads;</li>
 *   <li>the last system block: the system prompt (with the tools), shared by other conversations;</li>
 *   <li>the last tool: the tool definitions;</li>
 *   <li>the last block of the user turn before: the prefix the previous turn wrote, read by this
 *       one even when more blocks than Anthropic's look-back were appended since.</li>
 * </ol>
 * A candidate is taken only while fewer than {@value #MAX_BREAKPOINTS} breakpoints are set (the
 * client's count), only when its prefix reaches the model's minimum cacheable length (shorter
 * prefixes are not cached, a breakpoint there would be wasted), never on a block the client
 * marked, and never before a client breakpoint that lives an hour (Anthropic wants longer-lived
 * entries first). Client breakpoints are never moved or removed. Prefix lengths are estimated at
 * {@value #CHARS_PER_TOKEN} characters of JSON a token, which errs on the short side for prose.
 * Works on the JSON body, so the mapped OpenAI-shaped request and a native Messages body take the
 * same placement.
 */
final class CacheBreakpoints {
    /** Anthropic's limit of breakpoints in one request. */
    static final int MAX_BREAKPOINTS = 4;
    static final int CHARS_PER_TOKEN = 4;
    private static final String CACHE_CONTROL = "cache_control";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CacheBreakpoints() {
    }

    /**
     * The minimum prefix Anthropic caches for a model, in tokens: 4096 for Claude Opus 4.5 and
     * Haiku 4.5, 2048 for the Haiku 3 and 3.5 models, 1024 for the others.
     */
    static int minimumCacheableTokens(String model) {
        String m = model == null ? "" : model;
        if (m.startsWith("claude-opus-4-5") || m.startsWith("claude-haiku-4-5")) {
            return 4096;
        }
        if (m.startsWith("claude-3-haiku") || m.startsWith("claude-3-5-haiku") || m.startsWith("claude-haiku-3")) {
            return 2048;
        }
        return 1024;
    }

    /** One place a breakpoint may go: a tool, a system block or a message block, in prefix order. */
    private record Slot(ObjectNode node, long prefixChars, boolean oneHourMark) {
    }

    /**
     * Adds breakpoints to {@code body} in place (its {@code system} may become a list of blocks, a
     * user turn's string content a text block) and returns how many it added.
     */
    static int place(ObjectNode body, String model) {
        List<Slot> order = new ArrayList<>();
        long chars = 0;
        int clientMarks = 0;
        int lastOneHour = -1;
        List<Integer> toolSlots = new ArrayList<>();
        List<Integer> systemSlots = new ArrayList<>();
        List<Integer> userTurnEnds = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) {
            if (tool instanceof ObjectNode t) {
                chars += t.toString().length();
                toolSlots.add(order.size());
                order.add(new Slot(t, chars, false));
            }
        }
        ArrayNode system = systemBlocks(body);
        if (system != null) {
            for (JsonNode block : system) {
                if (block instanceof ObjectNode b) {
                    chars += b.toString().length();
                    systemSlots.add(order.size());
                    order.add(new Slot(b, chars, false));
                }
            }
        }
        for (JsonNode message : body.path("messages")) {
            if (!(message instanceof ObjectNode m)) {
                continue;
            }
            ArrayNode content = contentBlocks(m);
            int last = -1;
            for (JsonNode block : content == null ? NODES.arrayNode() : content) {
                if (block instanceof ObjectNode b) {
                    chars += b.toString().length();
                    last = order.size();
                    order.add(new Slot(b, chars, false));
                }
            }
            if ("user".equals(m.path("role").asText()) && last >= 0) {
                userTurnEnds.add(last);
            }
        }
        for (int i = 0; i < order.size(); i++) {
            JsonNode mark = order.get(i).node().get(CACHE_CONTROL);
            if (mark != null && !mark.isNull()) {
                clientMarks++;
                if ("1h".equals(mark.path("ttl").asText())) {
                    lastOneHour = i;
                }
            }
        }
        List<Integer> candidates = new ArrayList<>();
        if (!userTurnEnds.isEmpty()) {
            candidates.add(userTurnEnds.getLast());
        }
        if (!systemSlots.isEmpty()) {
            candidates.add(systemSlots.getLast());
        }
        if (!toolSlots.isEmpty()) {
            candidates.add(toolSlots.getLast());
        }
        if (userTurnEnds.size() > 1) {
            candidates.add(userTurnEnds.get(userTurnEnds.size() - 2));
        }
        long minimumChars = (long) minimumCacheableTokens(model) * CHARS_PER_TOKEN;
        int added = 0;
        for (int index : candidates) {
            if (clientMarks + added >= MAX_BREAKPOINTS) {
                break;
            }
            Slot slot = order.get(index);
            if (slot.prefixChars() < minimumChars || index <= lastOneHour || slot.node().has(CACHE_CONTROL)
                    || !markable(slot.node())) {
                continue;
            }
            slot.node().set(CACHE_CONTROL, NODES.objectNode().put("type", "ephemeral"));
            added++;
        }
        if (system != null && !body.path("system").isArray() && system.get(0).has(CACHE_CONTROL)) {
            body.set("system", system);
        }
        return added;
    }

    /** Anthropic refuses breakpoints on empty text and on thinking blocks. */
    private static boolean markable(ObjectNode block) {
        String type = block.path("type").asText();
        if ("thinking".equals(type) || "redacted_thinking".equals(type)) {
            return false;
        }
        return !"text".equals(type) || !block.path("text").asText().isEmpty();
    }

    /** The system prompt as blocks (a string becomes one text block), or null when there is none. */
    private static ArrayNode systemBlocks(ObjectNode body) {
        JsonNode system = body.get("system");
        if (system == null || system.isNull()) {
            return null;
        }
        if (system instanceof ArrayNode blocks) {
            return blocks;
        }
        if (system.isTextual() && !system.asText().isEmpty()) {
            ArrayNode blocks = NODES.arrayNode();
            blocks.addObject().put("type", "text").put("text", system.asText());
            return blocks;
        }
        return null;
    }

    /** A message's content as blocks; a string content becomes one text block in the message. */
    private static ArrayNode contentBlocks(ObjectNode message) {
        JsonNode content = message.get("content");
        if (content instanceof ArrayNode blocks) {
            return blocks;
        }
        if (content != null && content.isTextual() && !content.asText().isEmpty()) {
            ArrayNode blocks = NODES.arrayNode();
            blocks.addObject().put("type", "text").put("text", content.asText());
            message.set("content", blocks);
            return blocks;
        }
        return null;
    }
}
