package dev.tiergate.cache.semantic.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.cache.semantic.SemanticCacheSettings;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromptFeaturesTest {
    private static final Set<Guard> DEFAULTS = SemanticCacheSettings.DEFAULT_GUARDS;

    @Test
    void differentNumbersNeverMatch() {
        assertIncompatible("what is 2+3", "what is 2+4");
        assertIncompatible("what is 2+3", "what is 2*3");
        assertIncompatible("Convert 5 km to miles", "Convert 50 km to miles");
        assertIncompatible("What happened in 1969?", "What happened in 1968?");
        assertIncompatible("give me three ideas", "give me five ideas");
        assertCompatible("Convert 5 km to miles", "How many miles are 5 km?");
        assertCompatible("Is 1,000 a lot?", "is 1000 a lot");
        assertCompatible("how do I reset my password", "I forgot my password, how can I change it");
    }

    @Test
    void negationMustAgree() {
        assertIncompatible("Why is the sky blue?", "Why is the sky not blue?");
        assertIncompatible("Should I use a VPN?", "Why shouldn't I use a VPN?");
        assertIncompatible("recipes with garlic", "recipes without garlic");
        assertCompatible("Why isn't my code compiling?", "Why does my code not compile?");
    }

    @Test
    void oppositePolarWordsNeverMatch() {
        assertIncompatible("Is coffee good for you?", "Is coffee bad for you?");
        assertIncompatible("What are the advantages of Rust?", "What are the disadvantages of Rust?");
        assertIncompatible("How do I install Docker?", "How do I uninstall Docker?");
        assertCompatible("What are the benefits of Rust?", "What are the advantages of Rust?");
        assertCompatible("best and worst of Paris", "worst and best of Paris");
    }

    @Test
    void quotedStringsMustBeEqual() {
        assertIncompatible("Translate 'good morning' to French", "Translate 'good night' to French");
        assertIncompatible("What does \"ls -la\" do?", "What does \"ls -l\" do?");
        assertCompatible("Translate 'good morning' to French", "translate 'Good morning' into French");
    }

    @Test
    void entitiesAndQuestionWordsAreAvailableButOffByDefault() {
        PromptFeatures france = PromptFeatures.of("What is the capital of France?");
        PromptFeatures germany = PromptFeatures.of("What is the capital of Germany?");
        assertThat(france.compatibleWith(germany, DEFAULTS)).isTrue();
        assertThat(france.compatibleWith(germany, Set.of(Guard.ENTITIES))).isFalse();
        assertThat(PromptFeatures.of("What is AI?").compatibleWith(PromptFeatures.of("Why is AI?"),
                Set.of(Guard.QUESTION_WORD))).isFalse();
    }

    @Test
    void featuresHoldNoPromptText() {
        PromptFeatures features = PromptFeatures.of("Tell Alice her PIN 4711 is \"secret\" not valid");
        String encoded = features.encode();
        assertThat(encoded).doesNotContainIgnoringCase("alice").doesNotContain("4711").doesNotContain("secret");
        assertThat(PromptFeatures.decode(encoded)).isEqualTo(features);
    }

    @Test
    void decodeRejectsGarbage() {
        assertThatThrownBy(() -> PromptFeatures.decode("a|b")).hasMessage("prompt features: 2 fields (expected: 6)");
    }

    private static void assertIncompatible(String a, String b) {
        assertThat(PromptFeatures.of(a).compatibleWith(PromptFeatures.of(b), DEFAULTS)).as(a + " vs " + b).isFalse();
        assertThat(PromptFeatures.of(b).compatibleWith(PromptFeatures.of(a), DEFAULTS)).as(b + " vs " + a).isFalse();
    }

    private static void assertCompatible(String a, String b) {
        assertThat(PromptFeatures.of(a).compatibleWith(PromptFeatures.of(b), DEFAULTS)).as(a + " vs " + b).isTrue();
    }
}
