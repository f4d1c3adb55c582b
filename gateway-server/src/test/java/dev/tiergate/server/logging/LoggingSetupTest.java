package dev.tiergate.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import net.logstash.logback.marker.Markers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LoggingSetupTest {
    private final LoggerContext context = new LoggerContext();

    LoggingSetupTest() {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    }

    @AfterEach
    void stop() {
        context.stop();
        System.clearProperty("logback.configurationFile");
        System.clearProperty(LoggingSetup.ACCESS_LEVEL);
    }

    @Test
    void isWhatLogbackConfiguresTheGatewayWith() {
        LoggerContext running = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(running.getLogger("tiergate.access").getAppender("ACCESS_ASYNC"))
                .isInstanceOf(LingeringAsyncAppender.class);
        assertThat(running.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ASYNC")).isInstanceOf(AsyncAppender.class);
    }

    @Test
    void sendsEveryLoggerToStdoutThroughABackgroundThreadAndTheRequestLogAsJson() {
        assertThat(new LoggingSetup().configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        AsyncAppender async = (AsyncAppender) root.getAppender("ASYNC");
        assertThat(async.isStarted()).isTrue();
        assertThat(async.getQueueSize()).isEqualTo(8192);
        assertThat(async.getDiscardingThreshold()).isZero();
        assertThat(async.getAppender("STDOUT")).isInstanceOf(ConsoleAppender.class);
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);

        for (String name : new String[] {"tiergate.access", "tiergate.audit"}) {
            Logger logger = context.getLogger(name);
            assertThat(logger.isAdditive()).as(name).isFalse();
            assertThat(logger.getLevel()).as(name).isEqualTo(Level.INFO);
            LingeringAsyncAppender lingering = (LingeringAsyncAppender) logger.getAppender("ACCESS_ASYNC");
            assertThat(lingering.isStarted()).isTrue();
            BatchingConsoleAppender<ILoggingEvent> json =
                    (BatchingConsoleAppender<ILoggingEvent>) lingering.getAppender("ACCESS_JSON");
            assertThat(json.isStarted()).isTrue();
            assertThat(json.getEncoder()).isInstanceOf(AccessLogEncoder.class);
        }
    }

    @Test
    void writesARequestLineAsOneJsonObjectWithoutLevelValueVersionOrContext() {
        new LoggingSetup().configure(context);
        LingeringAsyncAppender lingering =
                (LingeringAsyncAppender) context.getLogger("tiergate.access").getAppender("ACCESS_ASYNC");
        Encoder<ILoggingEvent> encoder =
                ((BatchingConsoleAppender<ILoggingEvent>) lingering.getAppender("ACCESS_JSON")).getEncoder();
        ch.qos.logback.classic.spi.LoggingEvent event = new ch.qos.logback.classic.spi.LoggingEvent(
                Logger.class.getName(), context.getLogger("tiergate.access"), Level.INFO, "POST /v1/chat/completions 200",
                null, null);
        event.addMarker(Markers.append("request_id", "req_1"));

        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(line).startsWith("{").endsWith("}\n").contains("\"request_id\":\"req_1\"")
                .contains("\"message\":\"POST /v1/chat/completions 200\"").contains("\"level\":\"INFO\"")
                .doesNotContain("level_value").doesNotContain("@version").doesNotContain("HOSTNAME");
    }

    @Test
    void theRequestLogsLevelComesFromTheEnvironment() {
        System.setProperty(LoggingSetup.ACCESS_LEVEL, "OFF");
        new LoggingSetup().configure(context);
        assertThat(context.getLogger("tiergate.access").getLevel()).isEqualTo(Level.OFF);
        assertThat(context.getLogger("tiergate.audit").getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void aConfigurationFileGivenOnTheCommandLineReplacesIt() {
        System.setProperty("logback.configurationFile", "/etc/tiergate/logback.xml");
        assertThat(new LoggingSetup().configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
    }
}
