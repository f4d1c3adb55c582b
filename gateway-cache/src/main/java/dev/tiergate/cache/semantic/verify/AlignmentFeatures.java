package dev.tiergate.cache.semantic.verify;

import dev.tiergate.cache.semantic.guard.Guard;
import dev.tiergate.cache.semantic.guard.PromptFeatures;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The verifier's input for one pair (query, candidate): a soft alignment of their token states
 * (BERTScore-like precision, recall and F1 over all tokens and over content tokens, the worst-aligned
 * content token of each side, the share of poorly aligned content tokens), the sentence cosine, and
 * lexical mismatches (numbers, negation, names, quotes, polar words, question words, content words
 * only one side has). Pure and fast (tens of microseconds for short prompts). The training script
 * computes its features with this class too, so runtime and training agree; {@link #NAMES} is the
 * order the model expects.
 */
public final class AlignmentFeatures {
    /** The feature names, in the model's input order. */
    public static final List<String> NAMES = List.of(
            "cosine",
            "bert_p", "bert_r", "bert_f1",
            "content_p", "content_r", "content_f1",
            "worst_query_content", "worst_candidate_content",
            "low_query_share", "low_candidate_share",
            "numbers_differ", "unmatched_numbers", "negation_differs", "entities_unmatched", "quoted_differ",
            "polarity_opposite", "question_word_differs",
            "query_only_words", "candidate_only_words",
            "query_swaps", "candidate_swaps", "worst_query_swap", "worst_candidate_swap",
            "log_query_tokens", "log_candidate_tokens", "log_length_ratio");

    private static final double LOW = 0.6;
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:['’][\\p{L}]+)?");
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)*");
    private static final Set<String> STOPWORDS = Set.of("a", "an", "the", "of", "to", "in", "on", "for", "and", "or",
            "is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "i", "me", "my",
            "you", "your", "we", "our", "he", "she", "they", "them", "his", "her", "their", "do", "does", "did", "can",
            "could", "would", "should", "will", "shall", "may", "might", "at", "by", "with", "from", "as", "about",
            "into", "so", "if", "there", "what", "how", "why", "when", "where", "which", "who", "whom", "some", "any",
            "get", "make", "please", "tell", "give", "show", "help", "want", "need", "way", "best", "know", "s", "t",
            "am", "have", "has", "had", "just", "also", "too", "very", "much", "many", "one", "use", "using", "like");
    private static final Set<Guard> ALL = EnumSet.allOf(Guard.class);

    private AlignmentFeatures() {
    }

    /**
     * What the features read of one prompt alone, computed once per prompt: a lookup compares its
     * query with several candidates, and the query's side is the same each time.
     *
     * @param evidence the prompt's evidence
     * @param features its lexical features ({@link PromptFeatures#of} of its text)
     * @param content  per token, whether it is a content token
     * @param words    its content words
     * @param numbers  its numbers, in order
     */
    public record Side(PromptEvidence evidence, PromptFeatures features, boolean[] content, Set<String> words,
                       List<String> numbers) {
        /** The side of {@code evidence}, whose text's lexical features are {@code features}. */
        public static Side of(PromptEvidence evidence, PromptFeatures features) {
            return new Side(evidence, features, AlignmentFeatures.content(evidence.tokens()),
                    AlignmentFeatures.contentWords(evidence.text()), AlignmentFeatures.numbers(evidence.text()));
        }

        /** The side of {@code evidence}, its lexical features computed here. */
        public static Side of(PromptEvidence evidence) {
            return of(evidence, PromptFeatures.of(evidence.text()));
        }
    }

    /** The features of (query, candidate) whose sentence vectors have cosine {@code cosine}. */
    public static float[] of(PromptEvidence query, PromptEvidence candidate, double cosine) {
        return of(Side.of(query), Side.of(candidate), cosine);
    }

    /** The features of (query, candidate), each side computed once ({@link Side#of}): equal to {@link #of(PromptEvidence, PromptEvidence, double)}. */
    public static float[] of(Side querySide, Side candidateSide, double cosine) {
        PromptEvidence query = querySide.evidence();
        PromptEvidence candidate = candidateSide.evidence();
        if (query.dimensions() != candidate.dimensions()) {
            throw new IllegalArgumentException("evidence of " + query.dimensions() + " and " + candidate.dimensions()
                    + " dimensions (expected: equal, one embedding model)");
        }
        int nq = query.tokens().length;
        int nc = candidate.tokens().length;
        double[] bestForQuery = new double[nq];
        double[] bestForCandidate = new double[nc];
        TokenSimilarities.best(query, candidate, bestForQuery, bestForCandidate);
        boolean[] contentQuery = querySide.content();
        boolean[] contentCandidate = candidateSide.content();
        double recall = mean(bestForQuery, null);
        double precision = mean(bestForCandidate, null);
        double contentRecall = mean(bestForQuery, contentQuery);
        double contentPrecision = mean(bestForCandidate, contentCandidate);

        PromptFeatures fq = querySide.features();
        PromptFeatures fc = candidateSide.features();
        Set<String> entities = new HashSet<>(fq.entities());
        entities.addAll(fc.entities());
        Set<String> shared = new HashSet<>(fq.entities());
        shared.retainAll(fc.entities());
        Set<String> wordsQuery = querySide.words();
        Set<String> wordsCandidate = candidateSide.words();

        float[] f = new float[NAMES.size()];
        int k = 0;
        f[k++] = (float) cosine;
        f[k++] = (float) precision;
        f[k++] = (float) recall;
        f[k++] = (float) f1(precision, recall);
        f[k++] = (float) contentPrecision;
        f[k++] = (float) contentRecall;
        f[k++] = (float) f1(contentPrecision, contentRecall);
        f[k++] = (float) min(bestForQuery, contentQuery);
        f[k++] = (float) min(bestForCandidate, contentCandidate);
        f[k++] = (float) lowShare(bestForQuery, contentQuery);
        f[k++] = (float) lowShare(bestForCandidate, contentCandidate);
        f[k++] = fq.numbers().equals(fc.numbers()) ? 0 : 1;
        f[k++] = Math.min(3, unmatched(querySide.numbers(), candidateSide.numbers()));
        f[k++] = fq.negated() == fc.negated() ? 0 : 1;
        f[k++] = Math.min(3, entities.size() - shared.size());
        f[k++] = fq.quoted().equals(fc.quoted()) ? 0 : 1;
        f[k++] = fq.compatibleWith(fc, EnumSet.of(Guard.POLARITY)) ? 0 : 1;
        f[k++] = !fq.question().isEmpty() && !fc.question().isEmpty() && !fq.question().equals(fc.question()) ? 1 : 0;
        f[k++] = (float) onlyShare(wordsQuery, wordsCandidate);
        f[k++] = (float) onlyShare(wordsCandidate, wordsQuery);
        double[] swapsQuery = swaps(query, candidate, bestForQuery, contentQuery);
        double[] swapsCandidate = swaps(candidate, query, bestForCandidate, contentCandidate);
        f[k++] = (float) swapsQuery[0];
        f[k++] = (float) swapsCandidate[0];
        f[k++] = (float) swapsQuery[1];
        f[k++] = (float) swapsCandidate[1];
        f[k++] = (float) Math.log(1 + nq);
        f[k++] = (float) Math.log(1 + nc);
        f[k++] = (float) Math.abs(Math.log((1.0 + nq) / (1.0 + nc)));
        return f;
    }

    /**
     * Content tokens of {@code side} that do not occur in {@code other} at all (a word swapped for
     * another, or added): how many (at most 3), and the best alignment of the worst of them (1 when
     * none). A synonym swap aligns well; a swapped name, number or antonym less so.
     */
    private static double[] swaps(PromptEvidence side, PromptEvidence other, double[] best, boolean[] content) {
        Set<String> present = new HashSet<>(java.util.Arrays.asList(other.tokens()));
        int count = 0;
        double worst = 1;
        String[] tokens = side.tokens();
        for (int i = 0; i < tokens.length; i++) {
            if (content[i] && !present.contains(tokens[i])) {
                count++;
                worst = Math.min(worst, best[i]);
            }
        }
        return new double[] {Math.min(3, count), worst};
    }

    private static boolean[] content(String[] tokens) {
        boolean[] content = new boolean[tokens.length];
        for (int t = 0; t < tokens.length; t++) {
            String token = tokens[t];
            boolean piece = token.startsWith("##");
            String bare = piece ? token.substring(2) : token;
            boolean alnum = !bare.isEmpty() && bare.chars().allMatch(Character::isLetterOrDigit);
            content[t] = alnum && (piece || !STOPWORDS.contains(bare));
        }
        return content;
    }

    private static double mean(double[] best, boolean[] mask) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < best.length; i++) {
            if (mask == null || mask[i]) {
                sum += best[i];
                n++;
            }
        }
        return n == 0 ? 1 : sum / n;
    }

    private static double min(double[] best, boolean[] mask) {
        double min = 1;
        for (int i = 0; i < best.length; i++) {
            if (mask[i] && best[i] < min) {
                min = best[i];
            }
        }
        return min;
    }

    private static double lowShare(double[] best, boolean[] mask) {
        int low = 0;
        int n = 0;
        for (int i = 0; i < best.length; i++) {
            if (mask[i]) {
                n++;
                if (best[i] < LOW) {
                    low++;
                }
            }
        }
        return n == 0 ? 0 : (double) low / n;
    }

    private static double f1(double p, double r) {
        return p + r <= 0 ? 0 : 2 * p * r / (p + r);
    }

    private static List<String> numbers(String text) {
        List<String> out = new java.util.ArrayList<>();
        Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            out.add(m.group().replace(",", ""));
        }
        return out;
    }

    private static int unmatched(List<String> a, List<String> b) {
        List<String> rest = new java.util.ArrayList<>(b);
        int unmatched = 0;
        for (String x : a) {
            if (!rest.remove(x)) {
                unmatched++;
            }
        }
        return unmatched + rest.size();
    }

    private static Set<String> contentWords(String text) {
        Set<String> words = new HashSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            String w = m.group();
            if (!STOPWORDS.contains(w)) {
                words.add(w.length() > 3 && w.endsWith("s") ? w.substring(0, w.length() - 1) : w);
            }
        }
        return words;
    }

    private static double onlyShare(Set<String> a, Set<String> b) {
        if (a.isEmpty()) {
            return 0;
        }
        int only = 0;
        for (String w : a) {
            if (!b.contains(w)) {
                only++;
            }
        }
        return (double) only / a.size();
    }
}
