package dev.tiergate.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.server.testing.ChildGateway;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@link Main} in a child JVM: Netty reads and writes its buffers through Unsafe whatever
 * the JDK (from JDK 25 on Netty does not unless asked), and the start-up log says so.
 */
class NettyBufferAccessProcessTest {

    @Test
    void theGatewayAsksNettyForUnsafeBufferAccess(@TempDir Path dir) throws Exception {
        ChildGateway gateway = ChildGateway.start(ChildGateway.writeDemoConfig(dir, "sk-netty-test"), Map.of(),
                line -> true, "-Xmx128m");
        try {
            gateway.port(Duration.ofSeconds(60));
            assertThat(gateway.output()).as(String.join("\n", gateway.output()))
                    .anySatisfy(line -> assertThat(line).contains("event loops: ").contains("buffer access: unsafe"));
        } finally {
            gateway.process().destroyForcibly();
        }
    }
}
