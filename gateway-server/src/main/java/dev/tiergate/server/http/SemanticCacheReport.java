package dev.tiergate.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What {@code GET /v1/usage} shows of one team's semantic cache besides its usage totals (its
 * online verification), as the {@code semantic_cache} object; null when there is nothing to show.
 */
@FunctionalInterface
public interface SemanticCacheReport {
    SemanticCacheReport NONE = team -> null;

    ObjectNode team(String teamId);
}
