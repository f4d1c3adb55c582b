package dev.tiergate.core.config;

/**
 * A team's use of the providers' prompt caches, under {@code prompt-cache} in its team file; each
 * switch is on unless the team turns it off.
 * <ul>
 *   <li>{@code auto-breakpoints}: Anthropic requests get {@code cache_control} breakpoints on their
 *       longest stable prefix (tools, system prompt, the conversation up to the last user turn),
 *       within the four a request may have, leaving the client's own where they are.</li>
 *   <li>{@code cache-key}: OpenAI requests without a {@code prompt_cache_key} get one made of the
 *       team and the conversation's fingerprint, so OpenAI routes them to the same cache.</li>
 *   <li>{@code prefix-affinity}: requests of one conversation go to the same deployment of a model
 *       (weighted rendezvous hashing), so its cache stays warm; another one when its breaker opens.
 *       The router keeps a conversation on its tier when switching down would lose more cache
 *       discount than it saves.</li>
 * </ul>
 */
public record TeamPromptCacheConfig(boolean autoBreakpoints, boolean cacheKey, boolean prefixAffinity) {
    public static final TeamPromptCacheConfig DEFAULTS = new TeamPromptCacheConfig(true, true, true);
    public static final TeamPromptCacheConfig OFF = new TeamPromptCacheConfig(false, false, false);
}
