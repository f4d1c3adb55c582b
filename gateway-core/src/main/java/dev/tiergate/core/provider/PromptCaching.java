package dev.tiergate.core.provider;

import dev.tiergate.core.config.TeamConfig;
import dev.tiergate.core.config.TeamPromptCacheConfig;
import dev.tiergate.core.model.ChatRequest;

/**
 * How one chat call uses the provider's prompt cache, from the team's {@code prompt-cache}
 * settings: whether an adapter that needs explicit breakpoints (Anthropic) places them, the
 * {@code prompt_cache_key} an adapter that takes one (OpenAI) sends when the client sent none
 * (null: none), and the conversation fingerprint deployments are picked by (null: weighted
 * random, as without affinity).
 */
public record PromptCaching(boolean autoBreakpoints, String cacheKey, String affinity) {
    /** No breakpoints, no key, no affinity: what a call made outside a team's request gets. */
    public static final PromptCaching NONE = new PromptCaching(false, null, null);

    public static PromptCaching of(TeamConfig team, ChatRequest request) {
        TeamPromptCacheConfig settings = team.promptCache();
        String conversation = settings.cacheKey() || settings.prefixAffinity()
                ? ConversationFingerprint.of(request) : null;
        return new PromptCaching(settings.autoBreakpoints(),
                settings.cacheKey() && conversation != null ? "tg-" + team.id() + "-" + conversation : null,
                settings.prefixAffinity() ? conversation : null);
    }
}
