package dev.tiergate.router.classifier;

import dev.tiergate.core.tokens.TokenCounter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cheap structural features of a prompt's text, the classifier's inputs after the sentence
 * embedding. The training tool calls {@link #of(String, TokenCounter)} on the same text the runtime
 * does (the last user message), so the two cannot drift. Counts are {@code ln(1 + n)} so a very
 * long prompt cannot push one input far outside what training saw.
 */
public final class StructuralFeatures {
    /**
     * The encoding {@code log_tokens} counts with: the committed model was trained on cl100k_base
     * counts. o200k_base, what the rest of the gateway counts with, gives another count for 40% of
     * the training prompts and moves the model's probabilities by up to 0.02 (0.3% of the tier
     * decisions change), far beyond the 1e-6 the model's checks allow: switching means retraining
     * (training/MODEL_CARD.md).
     */
    public static final String TOKEN_ENCODING = "cl100k_base";

    /** Feature names in input order; the model's metadata must list the same. */
    public static final List<String> NAMES = List.of(
            "log_tokens",
            "log_lines",
            "code_block",
            "code_line_fraction",
            "log_latex",
            "math_symbol_density",
            "digit_fraction",
            "log_numbers",
            "log_questions",
            "log_constraints",
            "log_task_verbs",
            "log_list_items",
            "non_ascii_fraction");

    public static final int SIZE = NAMES.size();

    private static final Pattern CODE_LINE = Pattern.compile(
            "^\\s*(?:def |class |import |from \\S+ import |#include|public |private |function |const |let |var |"
                    + "return\\b|for\\s*\\(|while\\s*\\(|if\\s*\\(|SELECT |\\}|\\{)|[;{]\\s*$|=>|\\)\\s*:\\s*$");
    private static final Pattern LATEX = Pattern.compile("\\$|\\\\[a-zA-Z]+");
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)?");
    private static final Pattern CONSTRAINT = Pattern.compile(
            "\\b(?:must|should|exactly|at least|at most|no more than|no less than|without|only|do not|don't|"
                    + "never|always|ensure|make sure|within|limit(?:ed)? to|each|every|format|step by step)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern TASK_VERB = Pattern.compile(
            "\\b(?:prove|derive|implement|design|optimi[sz]e|analy[sz]e|compare|refactor|debug|architect|"
                    + "evaluate|justify|critique|algorithm|complexity|trade-?offs?|simulate|formali[sz]e)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern LIST_ITEM = Pattern.compile("^\\s*(?:[-*•]|\\d+[.)]|[A-Za-z][.)])\\s+");
    private static final String MATH_SYMBOLS = "=^<>≤≥∑∫√π×÷±∞≠≈";

    private StructuralFeatures() {
    }

    /**
     * The features of a prompt, in {@link #NAMES} order.
     *
     * @param tokens counts {@code log_tokens}; the model's encoding, {@value #TOKEN_ENCODING}
     */
    public static float[] of(String text, TokenCounter tokens) {
        String t = text == null ? "" : text;
        float[] f = new float[SIZE];
        f[0] = log1p(tokens.text(t));
        String[] lines = t.split("\\R");
        int nonEmpty = 0;
        int codeLines = 0;
        int listItems = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            nonEmpty++;
            if (CODE_LINE.matcher(line).find()) {
                codeLines++;
            }
            if (LIST_ITEM.matcher(line).find()) {
                listItems++;
            }
        }
        f[1] = log1p(nonEmpty);
        f[2] = t.contains("```") ? 1f : 0f;
        f[3] = nonEmpty == 0 ? 0f : (float) codeLines / nonEmpty;
        f[4] = log1p(count(LATEX.matcher(t)));
        int chars = Math.max(1, t.length());
        int mathSymbols = 0;
        int digits = 0;
        int letters = 0;
        int nonAsciiLetters = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (MATH_SYMBOLS.indexOf(c) >= 0) {
                mathSymbols++;
            }
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (Character.isLetter(c)) {
                letters++;
                if (c > 0x7F) {
                    nonAsciiLetters++;
                }
            }
        }
        f[5] = Math.min(1f, 10f * mathSymbols / chars);
        f[6] = (float) digits / chars;
        f[7] = log1p(count(NUMBER.matcher(t)));
        f[8] = log1p(t.chars().filter(c -> c == '?' || c == '？').count());
        f[9] = log1p(count(CONSTRAINT.matcher(t)));
        f[10] = log1p(count(TASK_VERB.matcher(t)));
        f[11] = log1p(listItems);
        f[12] = letters == 0 ? 0f : (float) nonAsciiLetters / letters;
        return f;
    }

    private static int count(Matcher matcher) {
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }

    private static float log1p(long n) {
        return (float) Math.log1p(n);
    }
}
