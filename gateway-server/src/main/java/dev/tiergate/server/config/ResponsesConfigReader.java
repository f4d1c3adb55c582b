package dev.tiergate.server.config;

import dev.tiergate.core.config.AccountingConfig;
import dev.tiergate.core.config.ResponsesConfig;
import java.time.Duration;
import java.util.Set;

/** Reads {@code responses} in gateway.yaml: where the Responses API keeps stored responses. */
final class ResponsesConfigReader {
    static final String SECTION = "responses";
    private static final Set<String> KEYS = Set.of("store", "ttl-seconds", "max-size-mb", "max-entry-mb",
            "encryption-key", "key-file");
    private static final long MAX_TTL_SECONDS = 366L * 24 * 3600;

    private ResponsesConfigReader() {
    }

    static ResponsesConfig read(YamlFields g, AccountingConfig accounting) {
        g.onlyKeys(SECTION, KEYS);
        ResponsesConfig d = ResponsesConfig.defaults();
        ResponsesConfig.Store store = g.choice("responses.store", ResponsesConfig.Store.MEMORY);
        if (store == ResponsesConfig.Store.REDIS && !accounting.usesRedis()) {
            g.problem("responses.store", "redis, but redis.url is empty (expected: redis.url set, or store: memory)");
        }
        return new ResponsesConfig(store,
                Duration.ofSeconds(g.number("responses.ttl-seconds", d.ttl().toSeconds(), 60, MAX_TTL_SECONDS)),
                g.number("responses.max-size-mb", d.maxSizeBytes() >> 20, 1, 1 << 20) << 20,
                g.number("responses.max-entry-mb", d.maxEntryBytes() >> 20, 1, 512) << 20,
                StageYaml.aesKey(g, "responses.encryption-key"),
                g.string("responses.key-file", null));
    }
}
