package dev.tiergate.router.cascade;

import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;

/**
 * One cheap check of a cascaded answer: a failed check escalates the request to the next tier.
 * Checks look only at the request and the answer in memory (no model, no network) and must be
 * fast: they run on the event loop.
 */
public interface AnswerCheck {

    /** The check's name, the escalation cause it reports: {@code refusal}, {@code truncated}, ... */
    String cause();

    /** Whether {@code answer} fails this check for {@code request}. */
    boolean fails(ChatRequest request, ChatCompletion answer);
}
