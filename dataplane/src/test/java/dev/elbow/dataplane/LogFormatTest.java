package dev.elbow.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elbow.dataplane.metrics.AccessLog;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The logback.xml files of the data plane, the standalone mode and the operator: text by default,
 * one JSON object per line with {@code ELBOW_LOG_FORMAT=json}, the access log included.
 */
class LogFormatTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Paths from the dataplane module's folder, where the tests run. */
  private static final String DATAPLANE = "src/main/resources/logback.xml";

  private static final String STANDALONE = "../standalone/src/main/resources/logback.xml";
  private static final String OPERATOR = "../operator/src/main/resources/logback.xml";

  /** A logger context configured from the file, as the process would be, with this format. */
  private static LoggerContext configure(String file, String format) throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    if (format != null) {
      context.putProperty("ELBOW_LOG_FORMAT", format);
    }
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(Path.of(file).toFile());
    return context;
  }

  /** The one appender of the logger, its output redirected into {@code out}. */
  private static String redirect(Logger logger, ByteArrayOutputStream out) {
    List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
    logger.iteratorForAppenders().forEachRemaining(appenders::add);
    assertThat(appenders).hasSize(1);
    Appender<ILoggingEvent> appender = appenders.get(0);
    if (appender instanceof AsyncAppender async) {
      List<Appender<ILoggingEvent>> behind = new ArrayList<>();
      async.iteratorForAppenders().forEachRemaining(behind::add);
      assertThat(async.isNeverBlock()).as("an event loop must never wait for stdout").isTrue();
      assertThat(behind).hasSize(1);
      appender = behind.get(0);
    }
    ((OutputStreamAppender<ILoggingEvent>) appender).setOutputStream(out);
    return appender.getName();
  }

  private static String text(ByteArrayOutputStream out) {
    return out.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {DATAPLANE, STANDALONE, OPERATOR})
  void jsonFormatWritesOneJsonObjectPerLine(String file) throws Exception {
    LoggerContext context = configure(file, "json");
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(redirect(context.getLogger(Logger.ROOT_LOGGER_NAME), out)).isEqualTo("json");
      context.getLogger("dev.elbow.x").info("applied snapshot {}: \"{}\"", 7, "quoted");
      context.getLogger("dev.elbow.x").warn("second line");

      String[] lines = text(out).split("\n");
      assertThat(lines).hasSize(2);
      JsonNode first = JSON.readTree(lines[0]);
      assertThat(first.get("level").asText()).isEqualTo("INFO");
      assertThat(first.get("loggerName").asText()).isEqualTo("dev.elbow.x");
      assertThat(first.get("formattedMessage").asText())
          .isEqualTo("applied snapshot 7: \"quoted\"");
      assertThat(first.get("timestamp").asLong()).isPositive();
      assertThat(JSON.readTree(lines[1]).get("level").asText()).isEqualTo("WARN");
    } finally {
      context.stop();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {DATAPLANE, STANDALONE, OPERATOR})
  void textIsTheDefault(String file) throws Exception {
    LoggerContext context = configure(file, null);
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(redirect(context.getLogger(Logger.ROOT_LOGGER_NAME), out)).isEqualTo("text");
      context.getLogger("dev.elbow.x").info("applied snapshot {}", 7);
      assertThat(text(out))
          .matches(
              // The standalone mode (the quick start) leaves the thread out.
              "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  (\\[.+] )?(dev\\.elbow\\.x|d\\.e\\.x) - applied snapshot"
                  + " 7\n");
    } finally {
      context.stop();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "text"})
  void theAccessLogFollowsTheFormatAsynchronously(String format) throws Exception {
    for (String file : List.of(DATAPLANE, STANDALONE)) {
      LoggerContext context = configure(file, format.equals("text") ? null : format);
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logger access = context.getLogger(AccessLog.LOGGER);
        assertThat(redirect(access, out)).isEqualTo("access-" + format);
        assertThat(access.isAdditive()).as("access lines go only to the access log").isFalse();
        access.atInfo().addKeyValue("listener", "ns/web").log("listener=ns/web status=200");
        await().atMost(Duration.ofSeconds(5)).until(() -> text(out).endsWith("\n"));
        String line = text(out).strip();
        if (format.equals("json")) {
          JsonNode node = JSON.readTree(line);
          assertThat(node.get("formattedMessage").asText()).isEqualTo("listener=ns/web status=200");
          assertThat(node.get("kvpList").get(0).get("listener").asText()).isEqualTo("ns/web");
        } else {
          assertThat(line).isEqualTo("listener=ns/web status=200");
        }
      } finally {
        context.stop();
      }
    }
  }
}
