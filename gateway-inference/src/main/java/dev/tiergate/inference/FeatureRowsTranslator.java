package dev.tiergate.inference;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

/**
 * Feature rows in (one float array per row, fed to the graph input {@code inputName}), the graph's
 * first output out as one flat array, row after row: the translator of the small classifiers
 * trained in this repository (the router's, the semantic cache's pair verifier).
 */
public record FeatureRowsTranslator(String inputName) implements NoBatchifyTranslator<float[][], float[]> {
    public FeatureRowsTranslator {
        requireNonNull(inputName, "inputName");
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[][] rows) {
        NDArray array = ctx.getNDManager().create(rows);
        array.setName(inputName);
        return new NDList(array);
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        return list.get(0).toFloatArray();
    }
}
