package dev.tiergate.cache.semantic.verify;

import java.util.List;

/**
 * Decides whether the answer stored for one prompt answers another: a trained pair classifier over
 * both prompts' {@link PromptEvidence}. The semantic cache asks it about each candidate above its
 * similarity floor; anything else that must judge a pair of prompts (an online check of served hits)
 * can use it the same way. Implementations are thread-safe.
 */
public interface PairVerifier extends AutoCloseable {

    /**
     * The calibrated probability that {@code candidate}'s answer answers {@code query}; {@code cosine}
     * is their sentence vectors' cosine similarity.
     */
    double probability(PromptEvidence query, PromptEvidence candidate, double cosine);

    /**
     * {@link #probability} of each candidate for one query, in order ({@code cosines[i]} is
     * candidate i's), each prompt given with what the features read of it alone
     * ({@link AlignmentFeatures.Side}, made once per prompt); an implementation may judge them
     * together (one model call), within the model's float tolerance of judging each alone.
     */
    default double[] probabilities(AlignmentFeatures.Side query, List<AlignmentFeatures.Side> candidates,
                                   double[] cosines) {
        if (cosines.length != candidates.size()) {
            throw new IllegalArgumentException("cosines: " + cosines.length + " (expected: one per candidate, "
                    + candidates.size() + ")");
        }
        double[] out = new double[candidates.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = probability(query.evidence(), candidates.get(i).evidence(), cosines[i]);
        }
        return out;
    }

    /**
     * The least probability at which a hit meets {@code precisionTarget}, read from the verifier's
     * calibration curve (precision by threshold on held-out calibration pairs); higher targets give
     * higher (never lower) thresholds.
     */
    double operatingPoint(double precisionTarget);

    /** The least cosine similarity of a candidate worth verifying, as trained. */
    double floor();

    /** The model's version, e.g. for logs and metrics. */
    String version();

    @Override
    default void close() {
    }
}
