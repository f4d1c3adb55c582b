package dev.tiergate.server;

import dev.tiergate.core.config.AccountingConfig;
import dev.tiergate.core.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a config reload changes, told by ids only (teams, providers, models, aliases, sections):
 * never keys, secrets or prompts. Also separates what a reload can apply from what needs a
 * restart: {@code server.*}, {@code redis.*}, {@code usage.*}, {@code metrics.enabled},
 * {@code responses.*}, {@code telemetry.*} and {@code admin.*}.
 */
record ConfigChanges(GatewayConfig next, List<String> changes, List<String> needRestart) {

    /** {@code loaded} with the running values of what needs a restart, and how it differs from {@code running}. */
    static ConfigChanges between(GatewayConfig running, GatewayConfig loaded) {
        List<String> needRestart = new ArrayList<>();
        if (!running.server().equals(loaded.server())) {
            needRestart.add("server");
        }
        AccountingConfig a = running.accounting();
        AccountingConfig b = loaded.accounting();
        if (!a.redisUrl().equals(b.redisUrl()) || !a.redisKeyPrefix().equals(b.redisKeyPrefix())) {
            needRestart.add("redis");
        }
        if (!a.usageFile().equals(b.usageFile())) {
            needRestart.add("usage.file");
        }
        if (!a.usageStore().equals(b.usageStore())) {
            needRestart.add("usage");
        }
        if (a.metricsEnabled() != b.metricsEnabled()) {
            needRestart.add("metrics.enabled");
        }
        if (!running.responses().equals(loaded.responses())) {
            needRestart.add("responses");
        }
        if (!running.telemetry().equals(loaded.telemetry())) {
            needRestart.add("telemetry");
        }
        if (!running.admin().equals(loaded.admin())) {
            needRestart.add("admin.routing-store");
        }
        GatewayConfig next = loaded.withServer(running.server()).withAccounting(a.withAdminKeys(b.adminKeys()))
                .withResponses(running.responses()).withTelemetry(running.telemetry()).withAdmin(running.admin());

        List<String> changes = new ArrayList<>();
        section(changes, "teams", running.teams(), next.teams());
        section(changes, "providers", running.providers(), next.providers());
        section(changes, "models", running.models(), next.models());
        section(changes, "aliases", running.aliases(), next.aliases());
        changed(changes, "cache.exact", running.exactCache(), next.exactCache());
        changed(changes, "cache.semantic", running.semanticCache(), next.semanticCache());
        changed(changes, "router", running.router(), next.router());
        changed(changes, "resilience", running.resilience(), next.resilience());
        changed(changes, "admin-keys", running.accounting().adminKeys(), next.accounting().adminKeys());
        return new ConfigChanges(next, List.copyOf(changes), List.copyOf(needRestart));
    }

    private static void section(List<String> changes, String name, Map<String, ?> before, Map<String, ?> after) {
        Set<String> added = new TreeSet<>(after.keySet());
        added.removeAll(before.keySet());
        Set<String> removed = new TreeSet<>(before.keySet());
        removed.removeAll(after.keySet());
        Set<String> changed = new TreeSet<>();
        before.forEach((id, value) -> {
            if (after.containsKey(id) && !Objects.equals(value, after.get(id))) {
                changed.add(id);
            }
        });
        if (!added.isEmpty()) {
            changes.add(name + " added: " + String.join(", ", added));
        }
        if (!removed.isEmpty()) {
            changes.add(name + " removed: " + String.join(", ", removed));
        }
        if (!changed.isEmpty()) {
            changes.add(name + " changed: " + String.join(", ", changed));
        }
    }

    private static void changed(List<String> changes, String name, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changes.add(name + " changed");
        }
    }
}
