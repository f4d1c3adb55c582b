package dev.tiergate.router.cascade;

import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.model.ChatRequest;
import dev.tiergate.router.policy.CascadeSettings;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Fails an answer that refuses or hedges instead of answering: the provider's own refusal field
 * ({@code message.refusal}), or one of {@link #PATTERNS} (English only) in the answer's opening
 * {@value #OPENING_CHARS} characters, where a model says it will not or cannot answer. The same
 * words later in a long answer are usually a caveat on an answer given, so they do not count.
 * The list is in docs/routing.md.
 */
public final class RefusalCheck implements AnswerCheck {
    static final int OPENING_CHARS = 240;
    /** Refusals and hedges, matched case-insensitively; apostrophes straight or curly. */
    static final List<Pattern> PATTERNS = List.of(
            // refusals
            phrase("i(?: am|'m) sorry,? but i (?:can(?:'t|not)|won't|am unable|'m unable|am not able|'m not able)"),
            phrase("i (?:can(?:'t|not)|won't|am unable to|'m unable to|am not able to|'m not able to) "
                    + "(?:help|assist|provide|answer|comply|do that|fulfil|fulfill|complete|create|generate|write)"),
            phrase("(?:sorry|unfortunately),? (?:but )?i (?:can(?:'t|not)|won't|am unable|'m unable)"),
            phrase("as an ai(?: language model| assistant| model)?,? i (?:can(?:'t|not)|don't|do not|am not|'m not)"),
            phrase("i must (?:decline|refuse)"),
            // hedges: no answer, only uncertainty
            phrase("i(?: am|'m) not (?:sure|certain)(?: what| how| about| whether| if| of|[.,])"),
            phrase("i don't (?:know|have (?:enough|sufficient|the) information|have access)"),
            phrase("i do not (?:know|have (?:enough|sufficient|the) information|have access)"),
            phrase("i(?: am|'m) unable to (?:determine|verify|say|tell)"),
            phrase("(?:it is|it's) (?:impossible|not possible|difficult) (?:for me )?to (?:say|determine|know|answer)"));

    @Override
    public String cause() {
        return CascadeSettings.REFUSAL;
    }

    @Override
    public boolean fails(ChatRequest request, ChatCompletion answer) {
        for (ChatCompletion.Choice choice : answer.choices()) {
            if (choice.message() == null) {
                continue;
            }
            var refusal = choice.message().extra().get("refusal");
            if (refusal != null && !refusal.isNull() && !refusal.asText().isBlank()) {
                return true;
            }
            if (refuses(choice.message().text())) {
                return true;
            }
        }
        return false;
    }

    /** Whether the opening of {@code text} refuses or hedges. */
    static boolean refuses(String text) {
        if (text == null || text.isBlank()) {
            return false;
        }
        String opening = text.strip();
        opening = opening.substring(0, Math.min(OPENING_CHARS, opening.length()))
                .replace('\u2019', '\'').toLowerCase(Locale.ROOT);
        for (Pattern pattern : PATTERNS) {
            if (pattern.matcher(opening).find()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern phrase(String regex) {
        return Pattern.compile("\\b" + regex);
    }
}
