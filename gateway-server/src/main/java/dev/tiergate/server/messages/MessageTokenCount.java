package dev.tiergate.server.messages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.json.Json;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.core.tokens.TokenCounter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * An estimate of what Anthropic's {@code count_tokens} answers for a Messages request, without
 * asking a provider: the prompt of its chat translation counted with the gateway's tokenizer
 * ({@code o200k_base}, not Claude's), the tools' JSON definitions plus the tool-use system prompt
 * Anthropic adds when tools are given (346 tokens for {@code auto}/{@code none}, 313 for
 * {@code any}/{@code tool}, its published figures for Claude 4 models), and each image at
 * Anthropic's published rate of width × height / 750 tokens after scaling its long edge to at most
 * 1568 pixels (at most 1,600; an image given by URL, whose size is not known here, counts 1,600).
 */
public final class MessageTokenCount {
    static final int TOOLS_PROMPT_AUTO = 346;
    static final int TOOLS_PROMPT_FORCED = 313;
    static final int MAX_IMAGE_TOKENS = 1600;
    private static final int MAX_EDGE = 1568;

    private MessageTokenCount() {
    }

    public static int count(MessagesRequest request, TokenCounter tokens) {
        ChatRequest chat = MessagesToChat.translate(request);
        int count = chat.messages().isEmpty() ? 0 : tokens.prompt(chat);
        if (chat.tools() != null) {
            String choice = request.body().path("tool_choice").path("type").asText("auto");
            count += tokens.text(Json.mapper().valueToTree(chat.tools()).toString())
                    + ("any".equals(choice) || "tool".equals(choice) ? TOOLS_PROMPT_FORCED : TOOLS_PROMPT_AUTO);
        }
        for (JsonNode message : request.body().path("messages")) {
            for (JsonNode block : message.path("content")) {
                if ("image".equals(block.path("type").asText())) {
                    count += imageTokens(block.path("source"));
                }
            }
        }
        return count;
    }

    /** Anthropic's estimate for one image: pixels / 750 after fitting the long edge into 1568. */
    static int imageTokens(JsonNode source) {
        if (!"base64".equals(source.path("type").asText())) {
            return MAX_IMAGE_TOKENS;
        }
        int[] size = dimensions(source.path("data").asText(""));
        if (size == null) {
            return MAX_IMAGE_TOKENS;
        }
        double scale = Math.min(1.0, (double) MAX_EDGE / Math.max(size[0], size[1]));
        double pixels = Math.floor(size[0] * scale) * Math.floor(size[1] * scale);
        return (int) Math.min(MAX_IMAGE_TOKENS, Math.ceil(pixels / 750));
    }

    /** Width and height from the image's header (PNG, JPEG, GIF, BMP), or null when unreadable. */
    private static int[] dimensions(String base64) {
        try (ImageInputStream in = ImageIO.createImageInputStream(
                new ByteArrayInputStream(Base64.getMimeDecoder().decode(base64)))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
