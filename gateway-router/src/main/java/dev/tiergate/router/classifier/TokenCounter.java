package dev.tiergate.router.classifier;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/** Counts tokens with OpenAI's {@code cl100k_base} encoding; thread-safe. */
public final class TokenCounter {
    private static final Encoding CL100K =
            Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    private TokenCounter() {
    }

    public static int count(String text) {
        return text == null || text.isEmpty() ? 0 : CL100K.countTokensOrdinary(text);
    }
}
