package dev.tiergate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiergate.core.config.GatewayConfig;
import dev.tiergate.server.config.ConfigLoader;
import dev.tiergate.server.config.ConfigSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --port} and {@code --management-port} override the config's ports. */
class CommandLineTest {
    private static final GatewayConfig BUNDLED = new ConfigLoader(Map.<String, String>of()::get).load(ConfigSource.bundled());

    @Test
    void portsFromTheCommandLineWin() {
        GatewayConfig config = Main.CommandLine.parse(new String[] {"--port", "8181", "--management-port=9191"})
                .applyTo(BUNDLED);
        assertThat(config.server().port()).isEqualTo(8181);
        assertThat(config.server().managementPort()).isEqualTo(9191);
        assertThat(config.server().managementHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void theManagementPortCanBeTurnedOffAndIsLeftAloneWhenNotGiven() {
        assertThat(Main.CommandLine.parse(new String[] {"--management-port", "off"}).applyTo(BUNDLED)
                .server().managementEnabled()).isFalse();
        assertThat(Main.CommandLine.parse(new String[] {"--port", "8181"}).applyTo(BUNDLED).server().managementPort())
                .isEqualTo(9464);
        assertThat(Main.CommandLine.parse(new String[0]).applyTo(BUNDLED)).isSameAs(BUNDLED);
    }

    @Test
    void aBadPortIsRefusedWithWhatWasExpected() {
        assertThatThrownBy(() -> Main.CommandLine.parse(new String[] {"--management-port", "metrics"}))
                .hasMessage("--management-port: 'metrics' (expected: a number from 0 to 65535, or off)");
        assertThatThrownBy(() -> Main.CommandLine.parse(new String[] {"--port", "70000"}))
                .hasMessage("--port: 70000 (expected: 0 to 65535)");
    }

    @Test
    void nettyLeakDetectionIsOffUnlessALevelIsAskedFor() {
        assertThat(Main.productionLeakLevel(null)).contains(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        assertThat(Main.productionLeakLevel("paranoid")).isEmpty();
    }

    @Test
    void nettyUsesUnsafeUnlessTheCommandLineChose() {
        assertThat(Main.nettyNoUnsafe(null)).contains("false");
        assertThat(Main.nettyNoUnsafe("true")).isEmpty();
    }
}
