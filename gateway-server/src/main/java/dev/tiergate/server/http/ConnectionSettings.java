package dev.tiergate.server.http;

import dev.tiergate.core.config.ServerConfig;
import java.time.Duration;

/** What bounds one client connection: request size, idle and slow-client clocks, in-flight limit, write stalls. */
record ConnectionSettings(int maxRequestBytes, Duration idleTimeout, Duration requestReadTimeout, int maxInFlight,
                          Duration writeTimeout) {

    static ConnectionSettings of(ServerConfig config) {
        return new ConnectionSettings(config.maxRequestBytes(), config.idleTimeout(), config.requestReadTimeout(),
                config.overload().maxInFlight(), config.overload().writeTimeout());
    }
}
