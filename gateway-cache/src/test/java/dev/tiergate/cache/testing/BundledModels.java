package dev.tiergate.cache.testing;

import dev.tiergate.cache.semantic.verify.OnnxPairVerifier;
import dev.tiergate.inference.embedding.OnnxSentenceEmbedder;

/**
 * The bundled embedding model and pair verifier, loaded once per test JVM for the tests that only
 * use them (they are thread-safe); they live until the JVM ends.
 */
public final class BundledModels {
    private BundledModels() {
    }

    private static final class Holder {
        static final OnnxSentenceEmbedder EMBEDDER = OnnxSentenceEmbedder.create();
        static final OnnxPairVerifier VERIFIER = OnnxPairVerifier.load();
    }

    public static OnnxSentenceEmbedder embedder() {
        return Holder.EMBEDDER;
    }

    public static OnnxPairVerifier verifier() {
        return Holder.VERIFIER;
    }
}
