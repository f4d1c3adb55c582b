package dev.tiergate.cache.semantic.verify;

import java.util.Arrays;

/**
 * The token similarity matrix of two prompts' evidence, reduced as the features need it: for each
 * token of either side, its best cosine with any token of the other. One pass over the matrix with
 * each side's 8-bit states widened once into a per-thread int buffer (no allocation after the first
 * call on a thread), so that the dot products are plain int multiply-adds, which the JIT turns into
 * vector instructions (a byte loop it does not): about ten times faster than {@link
 * PromptEvidence#similarity} per pair of tokens. The sums are the same integers, so every cosine,
 * and every feature, is bit for bit the one the scalar loop gives (tested).
 */
final class TokenSimilarities {
    /** Each thread's widened states of the two sides, grown when a pair needs more. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * A thread's int buffers, and whose states the query buffer holds: a lookup compares one query
     * with several candidates in a row, so its states are widened once, not once per candidate
     * (evidence is never changed after it is made, so the same array means the same values).
     */
    private static final class Scratch {
        int[] query = new int[PromptEvidence.MAX_TOKENS * 384];
        int[] candidate = new int[PromptEvidence.MAX_TOKENS * 384];
        byte[] queryStates;
    }

    private TokenSimilarities() {
    }

    /**
     * Fills {@code bestForQuery[i]} with the best cosine of query token i with any candidate token,
     * and {@code bestForCandidate[j]} likewise (-1 when the other side has no token).
     */
    static void best(PromptEvidence query, PromptEvidence candidate, double[] bestForQuery, double[] bestForCandidate) {
        int dims = query.dimensions();
        int nq = query.tokens().length;
        int nc = candidate.tokens().length;
        Arrays.fill(bestForQuery, -1);
        Arrays.fill(bestForCandidate, -1);
        Scratch scratch = SCRATCH.get();
        if (scratch.queryStates != query.states()) {
            scratch.query = widen(query.states(), scratch.query);
            scratch.queryStates = query.states();
        }
        int[] q = scratch.query;
        int[] c = scratch.candidate = widen(candidate.states(), scratch.candidate);
        float[] queryNorms = query.norms();
        float[] candidateNorms = candidate.norms();
        for (int i = 0; i < nq; i++) {
            int a = i * dims;
            for (int j = 0; j < nc; j++) {
                float n = queryNorms[i] * candidateNorms[j];
                // the same expression as PromptEvidence.similarity: an int sum over a float norm product
                double s = n == 0 ? 0 : dot(q, a, c, j * dims, dims) / n;
                if (s > bestForQuery[i]) {
                    bestForQuery[i] = s;
                }
                if (s > bestForCandidate[j]) {
                    bestForCandidate[j] = s;
                }
            }
        }
    }

    private static int dot(int[] x, int from, int[] y, int yFrom, int length) {
        int sum = 0;
        for (int k = 0; k < length; k++) {
            sum += x[from + k] * y[yFrom + k];
        }
        return sum;
    }

    /** {@code states} as ints in {@code into}, or in a larger array when it is too short. */
    private static int[] widen(byte[] states, int[] into) {
        int[] widened = into.length < states.length ? new int[states.length] : into;
        for (int k = 0; k < states.length; k++) {
            widened[k] = states[k];
        }
        return widened;
    }
}
