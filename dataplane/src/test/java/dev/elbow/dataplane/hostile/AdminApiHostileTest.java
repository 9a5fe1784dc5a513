package dev.elbow.dataplane.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.dataplane.testing.Snapshots;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.SnapshotJson;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The admin API against callers without the token: every endpoint but the two probes answers 401, a
 * refused snapshot changes nothing, and the token shows up in no log line (at any level) and in no
 * answer.
 */
@Tag("reliability")
class AdminApiHostileTest {

  private static final String TOKEN = TestDataPlane.TOKEN;

  /** Authorization values that must not pass; null sends none. */
  private static final List<String> WRONG =
      Arrays.asList(
          null,
          "Bearer wrong",
          "Bearer " + TOKEN + "x",
          "Bearer " + TOKEN.substring(0, TOKEN.length() - 1),
          "Bearer" + TOKEN,
          TOKEN,
          "Basic " + Base64.getEncoder().encodeToString(("admin:" + TOKEN).getBytes()),
          "Bearer ");

  private static final List<String[]> ENDPOINTS =
      List.of(
          new String[] {"GET", "/metrics"},
          new String[] {"GET", "/v1/stats"},
          new String[] {"GET", "/v1/status"},
          new String[] {"GET", "/v1/status?after=0&waitSeconds=1"},
          new String[] {"PUT", "/v1/snapshot"},
          new String[] {"POST", "/v1/snapshot"},
          new String[] {"DELETE", "/v1/snapshot"},
          new String[] {"GET", "/no/such/endpoint"});

  private final HttpClient http = HttpClient.newHttpClient();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private Level rootLevel;
  private TestDataPlane dataPlane;

  @BeforeEach
  void start() {
    // Every level, from before the data plane starts: a token in a debug line is a leak too.
    rootLevel = root.getLevel();
    root.setLevel(Level.ALL);
    logs.start();
    root.addAppender(logs);
    dataPlane = TestDataPlane.start();
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    root.detachAppender(logs);
    root.setLevel(rootLevel);
  }

  private Snapshot snapshot(long version) {
    return Snapshots.httpToOneMember(version, FreePorts.next(), 9);
  }

  private HttpResponse<String> call(String method, String path, String authorization, byte[] body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(dataPlane.adminUri().resolve(path))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withoutTheRightTokenEveryEndpointButTheProbesIs401AndNothingChanges() throws Exception {
    dataPlane.apply(snapshot(1));
    byte[] newer = SnapshotJson.toBytes(snapshot(2));
    int sent = 0;
    List<String> passed = new ArrayList<>();
    for (String[] endpoint : ENDPOINTS) {
      for (String authorization : WRONG) {
        HttpResponse<String> response = call(endpoint[0], endpoint[1], authorization, newer);
        sent++;
        if (response.statusCode() != 401
            || !response.headers().firstValue("www-authenticate").isPresent()) {
          passed.add(endpoint[0] + " " + endpoint[1] + " with " + authorization);
        }
      }
    }
    // Paths that only look like a probe, sent byte for byte as written.
    for (String path :
        List.of("/healthz/../v1/status", "//v1/status", "/v1/status?/healthz", "/readyz/x")) {
      String answer =
          RawHttp.exchange(
              dataPlane.dataPlane().adminPort(),
              "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n",
              500);
      sent++;
      if (!answer.startsWith("HTTP/1.1 401")) {
        passed.add("GET " + path + ": " + answer);
      }
    }
    assertThat(passed).as("requests that were not refused").isEmpty();
    assertThat(dataPlane.dataPlane().appliedVersion()).isEqualTo(1);
    // The probes stay open, and the right token still works.
    assertThat(call("GET", "/healthz", null, new byte[0]).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/readyz", null, new byte[0]).statusCode()).isEqualTo(200);
    assertThat(call("PUT", "/v1/snapshot", "Bearer " + TOKEN, newer).statusCode()).isEqualTo(200);
    assertThat(dataPlane.dataPlane().appliedVersion()).isEqualTo(2);
    // The scheme is case-insensitive (RFC 9110 11.1); the token is not.
    assertThat(call("GET", "/v1/status", "bearer " + TOKEN, new byte[0]).statusCode())
        .isEqualTo(200);
    assertThat(call("GET", "/v1/status", "BEARER " + TOKEN, new byte[0]).statusCode())
        .isEqualTo(200);
    assertThat(call("GET", "/v1/status", "bearer " + TOKEN.toUpperCase(), new byte[0]).statusCode())
        .isEqualTo(401);
    ReliabilityRows.record(
        "admin API without the token",
        sent + " requests over " + ENDPOINTS.size() + " endpoints and 4 look-alike paths",
        WRONG.size() + " wrong or missing Authorization values",
        sent,
        sent,
        "all " + sent + " refused with 401 as intended; snapshot version unchanged");
  }

  @Test
  void theTokenAppearsInNoLogLineAndNoAnswer() throws Exception {
    dataPlane.apply(snapshot(1));
    List<String> answers = new ArrayList<>();
    String bearer = "Bearer " + TOKEN;
    answers.add(call("PUT", "/v1/snapshot", bearer, SnapshotJson.toBytes(snapshot(2))).body());
    answers.add(call("PUT", "/v1/snapshot", bearer, "{not json".getBytes()).body());
    answers.add(call("PUT", "/v1/snapshot", "Bearer " + TOKEN + "x", new byte[0]).body());
    answers.add(call("GET", "/v1/status", bearer, new byte[0]).body());
    answers.add(call("GET", "/v1/stats", bearer, new byte[0]).body());
    answers.add(call("GET", "/metrics", bearer, new byte[0]).body());
    answers.add(call("GET", "/v1/status", "Bearer wrong", new byte[0]).body());
    assertThat(answers).hasSize(7).noneMatch(answer -> answer.contains(TOKEN));
    List<ILoggingEvent> lines;
    synchronized (logs) { // appended to under this lock, from the data plane's threads
      lines = new ArrayList<>(logs.list);
    }
    assertThat(lines).as("something was logged at all").isNotEmpty();
    for (ILoggingEvent event : lines) {
      assertThat(event.getFormattedMessage()).doesNotContain(TOKEN);
      if (event.getThrowableProxy() != null) {
        assertThat(event.getThrowableProxy().getMessage()).doesNotContain(TOKEN);
      }
    }
    assertThat(dataPlane.dataPlane().toString() + TestDataPlane.options().build())
        .doesNotContain(TOKEN);
    ReliabilityRows.record(
        "admin token kept out of logs and answers",
        answers.size() + " admin calls, right and wrong tokens, logs at every level",
        "a refused snapshot, a wrong token",
        answers.size(),
        0,
        "the token is in none of " + lines.size() + " log lines and none of the answers");
  }
}
