package dev.tiergate.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The leak check the other tests of this package rely on does see a leak. */
@ExtendWith(NettyLeakDetection.class)
class NettyLeakDetectionTest {

    @Test
    void anUnreleasedBufferIsReported() throws InterruptedException {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        leakOne();
        assertThat(NettyLeakDetection.collectReports()).anySatisfy(report -> assertThat(report).contains("LEAK"));
    }

    private static void leakOne() {
        ByteBufAllocator.DEFAULT.directBuffer(64).writeLong(42);
    }
}
