package dev.tiergate.router.policy;

import dev.tiergate.core.config.AliasConfig;
import dev.tiergate.core.config.TeamConfig;

/** The alias a team sees under a name, or null; the server passes {@code ModelCatalog::alias}. */
@FunctionalInterface
public interface AliasResolver {
    AliasConfig alias(TeamConfig team, String name);
}
