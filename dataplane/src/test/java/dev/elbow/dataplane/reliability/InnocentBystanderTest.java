package dev.elbow.dataplane.reliability;

import static dev.elbow.dataplane.testing.Snapshots.group;
import static dev.elbow.dataplane.testing.Snapshots.httpCheck;
import static dev.elbow.dataplane.testing.Snapshots.member;
import static dev.elbow.dataplane.testing.Snapshots.passiveHealth;
import static dev.elbow.dataplane.testing.Snapshots.withPassiveHealth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.Offenders;
import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.dataplane.testing.ScriptedMember;
import dev.elbow.dataplane.testing.SteadyLoad;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.ListenerTimeouts;
import dev.elbow.snapshot.MemberHealth;
import dev.elbow.snapshot.PassiveHealth;
import dev.elbow.snapshot.Snapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What one client's bad luck or bad behaviour does to everybody else: two members, a steady load of
 * innocent GETs (a bare client that never retries, a new connection each), and beside it a few
 * clients that ask for a slow answer, a broken answer, or trickle a body. The innocent requests
 * must all succeed and the members stay in service, with only the offending requests answered 408,
 * 502 or 504, as HAProxy does.
 */
@Tag("reliability")
class InnocentBystanderTest {

  private static final int RATE = 100;
  private static final int CLIENTS = 4;
  private static final Duration HOLD = Duration.ofSeconds(8);

  private TestDataPlane dataPlane;
  private ScriptedMember a;
  private ScriptedMember b;
  private int port;

  @BeforeEach
  void start() throws IOException {
    dataPlane = TestDataPlane.start();
    a = new ScriptedMember("a");
    b = new ScriptedMember("b");
    port = FreePorts.next();
  }

  @AfterEach
  void stop() throws IOException {
    dataPlane.close();
    a.close();
    b.close();
  }

  /** HTTP on {@code port} to a and b, checked over HTTP every 2 s; both healthy. */
  private void serve(ListenerTimeouts timeouts, PassiveHealth passive) {
    apply(timeouts, passive);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                dataPlane.memberHealth(a.port()).state() == HealthState.HEALTHY
                    && dataPlane.memberHealth(b.port()).state() == HealthState.HEALTHY);
  }

  private void apply(ListenerTimeouts timeouts, PassiveHealth passive) {
    GroupConfig group =
        withPassiveHealth(
            group(
                "ns/web",
                BackendProtocol.HTTP,
                httpCheck(2, 1, 2),
                List.of(member(a.port(), 1), member(b.port(), 1))),
            passive);
    dataPlane.apply(
        new Snapshot(
            dataPlane.dataPlane().status().appliedVersion() + 1,
            List.of(
                new ListenerConfig(
                    "ns/web", ListenerProtocol.HTTP, port, "ns/web", timeouts, null)),
            List.of(group)));
  }

  private static ListenerTimeouts timeouts(int requestSeconds, int responseSeconds) {
    return new ListenerTimeouts(300, 300, 60, requestSeconds, responseSeconds);
  }

  /** Innocent load for {@link #HOLD} beside the offenders; what both saw. */
  private Outcome holdLoadBeside(Offenders.Attempt attempt, int offenders, long pauseMillis)
      throws InterruptedException {
    SteadyLoad innocent = SteadyLoad.startNewConnectionEach(port, "/", CLIENTS, RATE);
    Offenders bad = Offenders.start(port, offenders, pauseMillis, attempt);
    Thread.sleep(HOLD.toMillis()); // the load runs meanwhile
    Map<String, Long> offended = bad.stop();
    return new Outcome(innocent.stop(), offended);
  }

  private record Outcome(SteadyLoad.Result innocent, Map<String, Long> offenders) {}

  @Test
  void aSlowAnswerOnOnePathCostsOnlyThatRequest() throws Exception {
    serve(timeouts(60, 2), PassiveHealth.DEFAULTS);
    a.slowMillis = 3_000; // a is slow on /slow only, past the 2 s response timeout
    Outcome outcome = holdLoadBeside(Offenders.get("/slow"), 3, 0);

    assertThat(outcome.innocent().failed()).as(outcome.innocent().why()).isZero();
    assertThat(outcome.offenders()).containsKey("504").containsKey("200");
    assertThat(outcome.offenders().keySet()).containsOnly("504", "200");
    assertNeverEjected();
    record(
        "one member slow on one path",
        outcome,
        "member a answers /slow after 3 s (response timeout 2 s); 3 clients ask for /slow",
        "those on a got 504, those on b 200; a never ejected (a timeout alone never ejects, and"
            + " innocent answers between start the count over)");
  }

  @Test
  void tricklingUploadsGet408AndHurtNobody() throws Exception {
    serve(timeouts(1, 2), PassiveHealth.DEFAULTS);
    // 10 bytes every 1.5 s: silent for longer than the 1 s request (body idle) timeout.
    Outcome outcome = holdLoadBeside(Offenders.trickle(1_000, 10, 1_500), 2, 0);

    assertThat(outcome.innocent().failed()).as(outcome.innocent().why()).isZero();
    assertThat(outcome.offenders()).containsOnlyKeys("408");
    assertNeverEjected();
    record(
        "two trickling POSTs beside steady GETs",
        outcome,
        "2 clients POST 1,000-byte bodies at 10 bytes every 1.5 s (request timeout 1 s, response"
            + " timeout 2 s)",
        "tricklers got 408 when their body stalled past the request timeout; members never"
            + " ejected: the response timeout starts only once the request is sent whole");
  }

  @Test
  void aGarbageOrHugeAnswerIsThatRequests502() throws Exception {
    serve(timeouts(60, 60), PassiveHealth.DEFAULTS);
    a.misbehaves = true;
    Outcome outcome =
        holdLoadBeside(
            Offenders.request(
                i ->
                    "GET "
                        + (i % 2 == 0 ? "/garbage" : "/many-headers")
                        + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
            2,
            100);

    assertThat(outcome.innocent().failed()).as(outcome.innocent().why()).isZero();
    assertThat(outcome.offenders()).containsKey("502").containsKey("200");
    assertThat(outcome.offenders().keySet()).containsOnly("502", "200");
    record(
        "a garbage or 150-header answer on one path",
        outcome,
        "member a answers /garbage with 'HELLO THERE' and /many-headers with 150 header lines;"
            + " 2 clients ask for them",
        "those on a got 502 (not retried: it answered), those on b 200; a ejected "
            + (long) dataPlane.ejections(a.port())
            + " times");
  }

  @Test
  void aMemberThatResetsEverythingIsEjectedAndCostsNothing() throws Exception {
    serve(timeouts(60, 60), PassiveHealth.DEFAULTS);
    a.resetting = true;
    Outcome outcome = holdLoadBeside(Offenders.get("/"), 0, 0);

    assertThat(outcome.innocent().failed()).as(outcome.innocent().why()).isZero();
    assertThat(dataPlane.ejections(a.port())).isEqualTo(1.0);
    MemberHealth ejected = dataPlane.memberHealth(a.port());
    assertThat(ejected.state()).isEqualTo(HealthState.UNHEALTHY);
    assertThat(ejected.reason())
        .startsWith("ejected by passive health: 5 failures in a row, the last: connection");
    assertThat(ejected.ejectedUntil()).isNotNull();
    // 5 resets in a row eject it; requests already on their way to it (one per client at most)
    // are the only ones it sees after that, for the whole hold.
    assertThat(a.requests("GET /"))
        .as("requests a saw")
        .isBetween(
            PassiveHealth.DEFAULT_CONSECUTIVE_FAILURES,
            PassiveHealth.DEFAULT_CONSECUTIVE_FAILURES + CLIENTS - 1);
    record(
        "a member that resets every connection",
        outcome,
        "member a resets every connection as a request arrives (its HTTP check still passes)",
        "each request it took retried once on b; a ejected after "
            + PassiveHealth.DEFAULT_CONSECUTIVE_FAILURES
            + " resets in a row, for "
            + PassiveHealth.DEFAULT_BASE_EJECTION_SECONDS
            + " s");
  }

  @Test
  void whenEveryMemberFailsItsChecksTrafficIsStillTried() throws Exception {
    serve(timeouts(60, 60), PassiveHealth.DEFAULTS);
    a.healthy = false;
    b.healthy = false;
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                dataPlane.memberHealth(a.port()).state() == HealthState.UNHEALTHY
                    && dataPlane.memberHealth(b.port()).state() == HealthState.UNHEALTHY);
    Outcome panicked = holdLoadBeside(Offenders.get("/"), 0, 0);
    assertThat(panicked.innocent().failed()).as(panicked.innocent().why()).isZero();

    // The same without the panic threshold: nothing is tried, every request is refused.
    apply(timeouts(60, 60), passiveHealth(5, 0));
    SteadyLoad calm = SteadyLoad.startNewConnectionEach(port, "/", CLIENTS, RATE);
    Thread.sleep(2_000); // the load runs meanwhile
    SteadyLoad.Result refused = calm.stop();
    assertThat(refused.failed()).isEqualTo(refused.sent());
    assertThat(refused.reasons()).containsOnlyKeys("HTTP 503");

    record(
        "every member failing its health checks (panic)",
        panicked,
        "both members fail their HTTP checks (503) but still serve; panic threshold 50%",
        "0 of 2 in service is below the panic threshold, so both still take traffic; with the"
            + " threshold at 0 every request got 503 ("
            + refused.sent()
            + " of "
            + refused.sent()
            + ")");
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES) // 1 GiB at 5 MiB/s takes about 3.5 minutes
  void anUploadLongerThanTheResponseTimeoutSucceeds() throws Exception {
    serve(timeouts(60, 2), PassiveHealth.DEFAULTS);
    long size = Long.getLong("elbow.reliability.uploadMiB", 1024) << 20;
    long bytesPerSecond = 5L << 20;
    long started = System.nanoTime();
    String answer;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /upload HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
                  + size
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      long nanosPerChunk = TimeUnit.SECONDS.toNanos(1) * chunk.length / bytesPerSecond;
      long next = System.nanoTime();
      for (long sent = 0; sent < size; sent += chunk.length) {
        out.write(chunk, 0, (int) Math.min(chunk.length, size - sent));
        next += nanosPerChunk;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait); // pacing the upload, not waiting for a condition
        }
      }
      out.flush();
      answer = RawHttp.readAll(socket, 5_000); // till the proxy closes, after the answer
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    assertThat(answer).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n" + size);
    assertThat(Math.max(a.uploaded(), b.uploaded())).isEqualTo(size);
    assertNeverEjected();
    ReliabilityRows.record(
        "an upload far longer than the response timeout",
        String.format(
            Locale.ROOT,
            "1 POST of %d MiB at %.1f MiB/s, %.0f s",
            size >> 20,
            size / seconds / (1 << 20),
            seconds),
        "response timeout 2 s",
        1,
        0,
        "200 with every byte at the member; members never ejected: the response timeout"
            + " starts once the request is sent whole");
  }

  /** What innocent clients saw as the row's outcome, with the offenders' answers in its text. */
  private static void record(String scenario, Outcome outcome, String faults, String what) {
    ReliabilityRows.record(
        scenario,
        outcome.innocent().load() + ", innocent GETs on new connections",
        faults,
        outcome.innocent().sent(),
        outcome.innocent().failed(),
        what + (outcome.offenders().isEmpty() ? "" : ". Offenders saw " + outcome.offenders()));
  }

  private void assertNeverEjected() {
    assertThat(dataPlane.ejections(a.port())).as("a ejected").isZero();
    assertThat(dataPlane.ejections(b.port())).as("b ejected").isZero();
    assertThat(dataPlane.memberHealth(a.port()).state()).isEqualTo(HealthState.HEALTHY);
    assertThat(dataPlane.memberHealth(b.port()).state()).isEqualTo(HealthState.HEALTHY);
  }
}
