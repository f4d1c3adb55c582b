package dev.tiergate.router.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tiergate.core.tokens.TokenCounter;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import org.junit.jupiter.api.Test;

class StructuralFeaturesTest {
    private static final TokenCounter CL100K = JtokkitTokenCounter.cl100k();

    private static float feature(String text, String name) {
        return StructuralFeatures.of(text, CL100K)[StructuralFeatures.NAMES.indexOf(name)];
    }

    @Test
    void oneValuePerName() {
        assertThat(StructuralFeatures.of("hello", CL100K)).hasSize(StructuralFeatures.NAMES.size());
        assertThat(StructuralFeatures.NAMES).doesNotHaveDuplicates();
    }

    @Test
    void emptyAndNullTextGiveZeros() {
        assertThat(StructuralFeatures.of("", CL100K)).containsOnly(0f);
        assertThat(StructuralFeatures.of(null, CL100K)).containsOnly(0f);
    }

    @Test
    void lengthIsLogOfTokens() {
        // "hello world" is two cl100k tokens; "Привет, как дела?" eight (six in o200k).
        assertThat(feature("hello world", "log_tokens")).isCloseTo((float) Math.log1p(2), within(1e-6f));
        assertThat(feature("Привет, как дела?", "log_tokens")).isCloseTo((float) Math.log1p(8), within(1e-6f));
        assertThat(feature("word ".repeat(500), "log_tokens")).isGreaterThan(feature("word ".repeat(20), "log_tokens"));
    }

    @Test
    void detectsCode() {
        String code = """
                Why does this fail?
                ```python
                def f(x):
                    return x + 1
                import os
                ```
                """;
        assertThat(feature(code, "code_block")).isEqualTo(1f);
        assertThat(feature(code, "code_line_fraction")).isGreaterThan(0.3f);
        assertThat(feature("The weather is nice today.", "code_block")).isZero();
        assertThat(feature("The weather is nice today.", "code_line_fraction")).isZero();
    }

    @Test
    void detectsMath() {
        String math = "Find $x$ such that $\\frac{x^2}{3} = 12$ and $x > 0$.";
        assertThat(feature(math, "log_latex")).isGreaterThan(1.5f);
        assertThat(feature(math, "math_symbol_density")).isGreaterThan(0f);
        assertThat(feature(math, "log_numbers")).isCloseTo((float) Math.log1p(4), within(1e-6f));
        assertThat(feature("Tell me a joke", "log_latex")).isZero();
    }

    @Test
    void countsQuestionsConstraintsAndTaskVerbs() {
        String prompt = "What is it? Why? You must answer in exactly three bullet points and never use jargon. "
                + "Prove the bound and analyze the algorithm.";
        assertThat(feature(prompt, "log_questions")).isCloseTo((float) Math.log1p(2), within(1e-6f));
        assertThat(feature(prompt, "log_constraints")).isCloseTo((float) Math.log1p(3), within(1e-6f));
        assertThat(feature(prompt, "log_task_verbs")).isCloseTo((float) Math.log1p(3), within(1e-6f));
    }

    @Test
    void countsListItemsAndLines() {
        String list = "Steps:\n- one\n- two\n3. three\n\n";
        assertThat(feature(list, "log_list_items")).isCloseTo((float) Math.log1p(3), within(1e-6f));
        assertThat(feature(list, "log_lines")).isCloseTo((float) Math.log1p(4), within(1e-6f));
    }

    @Test
    void measuresNonLatinLetters() {
        assertThat(feature("Привет, как дела?", "non_ascii_fraction")).isEqualTo(1f);
        assertThat(feature("Hello there", "non_ascii_fraction")).isZero();
        assertThat(feature("こんにちは world", "non_ascii_fraction")).isCloseTo(0.5f, within(1e-6f));
    }
}
