package dev.elbow.dataplane.metrics;

import static dev.elbow.dataplane.testing.Snapshots.listener;
import static dev.elbow.dataplane.testing.Snapshots.uncheckedGroup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.HttpTestClient;
import dev.elbow.dataplane.testing.TcpTestClient;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The access log, captured from the {@code elbow.access} logger, with the flag on and off. */
class AccessLogTest {

  private final HttpTestClient http = new HttpTestClient();
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
  private Level levelBefore;
  private TestDataPlane dataPlane;
  private DemoBackend web;
  private DemoBackend tcp;
  private int httpPort;
  private int tcpPort;
  private int stoppedPort;

  @BeforeEach
  void capture() {
    // The test logging configuration quiets everything below WARN; the access log is INFO.
    levelBefore = logger.getLevel();
    logger.setLevel(Level.INFO);
    lines.start();
    logger.addAppender(lines);
    web = DemoBackend.http("web", 0);
    tcp = DemoBackend.tcp("tcp", 0);
    httpPort = FreePorts.next();
    tcpPort = FreePorts.next();
    stoppedPort = FreePorts.next();
  }

  @AfterEach
  void stop() {
    if (dataPlane != null) {
      dataPlane.close();
    }
    web.close();
    tcp.close();
    logger.detachAppender(lines);
    logger.setLevel(levelBefore);
  }

  private void start(boolean accessLog) {
    dataPlane = TestDataPlane.start(TestDataPlane.options().accessLog(accessLog));
    dataPlane.apply(
        new Snapshot(
            1,
            List.of(
                listener("ns/web", ListenerProtocol.HTTP, httpPort, "ns/web"),
                listener("ns/db", ListenerProtocol.TCP, tcpPort, "ns/db"),
                new ListenerConfig("ns/down", ListenerProtocol.HTTP, stoppedPort, "ns/down")),
            List.of(
                uncheckedGroup("ns/web", BackendProtocol.HTTP, web.port()),
                uncheckedGroup("ns/db", BackendProtocol.TCP, tcp.port()),
                // Nothing listens there.
                uncheckedGroup("ns/down", BackendProtocol.HTTP, FreePorts.next()))));
  }

  private void traffic() {
    assertThat(http.get(URI.create("http://127.0.0.1:" + httpPort + "/hello?x=1")).statusCode())
        .isEqualTo(200);
    assertThat(TcpTestClient.backendOf(tcpPort)).isEqualTo("tcp");
    assertThat(http.get(URI.create("http://127.0.0.1:" + stoppedPort + "/")).statusCode())
        .isEqualTo(502);
  }

  /** The fields of a line, by key, in their order. */
  private static Map<String, String> fields(String line) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : line.split(" ")) {
      int eq = pair.indexOf('=');
      fields.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return fields;
  }

  private Map<String, String> lineOf(String listener) {
    return lines.list.stream()
        .map(e -> fields(e.getFormattedMessage()))
        .filter(f -> f.get("listener").equals(listener))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void logsEachRequestAndConnectionWithTheFlagOn() {
    start(true);
    traffic();
    await().atMost(Duration.ofSeconds(5)).until(() -> lines.list.size() == 3);

    Map<String, String> request = lineOf("ns/web");
    assertThat(request.keySet()).containsExactlyElementsOf(AccessLog.FIELDS).hasSize(13);
    assertThat(request)
        .containsEntry("method", "GET")
        .containsEntry("host", "127.0.0.1:" + httpPort)
        .containsEntry("path", "/hello?x=1")
        .containsEntry("protocol", "HTTP/1.1")
        .containsEntry("status", "200")
        .containsEntry("member", "127.0.0.1:" + web.port())
        .containsEntry("error", "-");
    assertThat(request.get("client")).startsWith("127.0.0.1:");
    assertThat(Long.parseLong(request.get("bytes_in"))).isGreaterThan(30);
    // "web\n" and a head.
    assertThat(Long.parseLong(request.get("bytes_out"))).isGreaterThan(4);
    assertThat(Double.parseDouble(request.get("duration_ms"))).isBetween(0.0, 5_000.0);
    assertThat(java.time.Instant.parse(request.get("time"))).isNotNull();

    Map<String, String> connection = lineOf("ns/db");
    assertThat(connection)
        .containsEntry("protocol", "TCP")
        .containsEntry("method", "-")
        .containsEntry("status", "-")
        .containsEntry("bytes_in", "6") // "hello\n"
        .containsEntry("bytes_out", "11") // "tcp: hello\n"
        .containsEntry("member", "127.0.0.1:" + tcp.port())
        .containsEntry("error", "-");

    assertThat(lineOf("ns/down"))
        .containsEntry("status", "502")
        .containsEntry("error", "connect_refused");

    // The same fields go along as key-values, for the JSON format.
    ILoggingEvent event = lines.list.get(0);
    assertThat(event.getKeyValuePairs()).hasSize(13);
    assertThat(event.getKeyValuePairs().get(1).key).isEqualTo("listener");
  }

  @Test
  void logsNothingWithTheFlagOff() {
    start(false);
    traffic();
    // The TCP connection's line would come when it closes: wait for that to have happened.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                dev.elbow.dataplane.testing.Scrape.value(
                        dataPlane.dataPlane().metrics(),
                        "elbow_listener_connections_active",
                        "listener",
                        "ns/db")
                    == 0);
    assertThat(lines.list).isEmpty();
  }
}
