package dev.tiergate.router.cascade;

import static dev.tiergate.router.cascade.Answers.request;
import static dev.tiergate.router.cascade.Answers.saying;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RefusalCheckTest {
    private final RefusalCheck check = new RefusalCheck();

    @ParameterizedTest
    @ValueSource(strings = {
        "I'm sorry, but I can't help with that.",
        "I’m sorry, but I cannot assist with this request.",
        "Sorry, I can't provide that information.",
        "I cannot help with creating malware.",
        "As an AI language model, I don't have personal opinions.",
        "I must decline to answer that.",
        "I'm not sure what you mean by that.",
        "I don't have enough information to answer.",
        "Unfortunately, I am unable to browse the internet.",
        "It is impossible to say without more context."})
    void refusalsAndHedgesFail(String answer) {
        assertThat(check.fails(request(""), saying(answer))).as(answer).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Paris is the capital of France.",
        "Here is a limerick: There once was a form full of tax...",
        "You can't divide by zero, so the expression is undefined.",
        "The function returns null when the list is empty; I can explain why if useful.",
        ""})
    void answersPass(String answer) {
        assertThat(check.fails(request(""), saying(answer))).as(answer).isFalse();
    }

    @Test
    void aHedgeDeepInsideALongAnswerIsACaveatNotARefusal() {
        String answer = "The migration has three steps. ".repeat(10) + "I'm not sure about the last one, so test it.";
        assertThat(check.fails(request(""), saying(answer))).isFalse();
    }

    @Test
    void theProvidersRefusalFieldFails() {
        assertThat(check.fails(request(""), Answers.completion(
                "{\"role\":\"assistant\",\"content\":null,\"refusal\":\"I can not do this.\"}", "stop", ""))).isTrue();
    }

    @Test
    void itsCauseIsRefusal() {
        assertThat(check.cause()).isEqualTo("refusal");
    }
}
