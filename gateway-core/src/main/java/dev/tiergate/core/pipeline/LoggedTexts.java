package dev.tiergate.core.pipeline;

/** The prompt and answer text of a request, kept only for a team that opted in ({@code log-prompts}). */
public record LoggedTexts(String prompt, String completion) {
}
