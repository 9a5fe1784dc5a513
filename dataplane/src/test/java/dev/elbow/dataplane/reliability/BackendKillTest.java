package dev.elbow.dataplane.reliability;

import static dev.elbow.dataplane.testing.Snapshots.group;
import static dev.elbow.dataplane.testing.Snapshots.httpCheck;
import static dev.elbow.dataplane.testing.Snapshots.listener;
import static dev.elbow.dataplane.testing.Snapshots.member;
import static dev.elbow.dataplane.testing.Snapshots.withPassiveHealth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.testing.BackendProcess;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.dataplane.testing.SteadyLoad;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.MemberHealth;
import dev.elbow.snapshot.PassiveHealth;
import dev.elbow.snapshot.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A member SIGKILLed while requests flow: requests it would have taken are retried once on another
 * member (connect refused, or reset before any response byte), so the clients see no error; the
 * member is ejected at its first failure, long before the active checks would notice, and comes
 * back only once they pass again.
 */
@Tag("reliability")
class BackendKillTest {

  // Active checks alone would take 2 failures x 5 s to see the member gone.
  private static final int INTERVAL_SECONDS = 5;

  @Test
  void aKilledMemberCostsNoRequest() throws Exception {
    int port = FreePorts.next();
    List<BackendProcess> backends = new ArrayList<>();
    try (TestDataPlane dataPlane = TestDataPlane.start()) {
      for (int i = 0; i < 3; i++) {
        backends.add(BackendProcess.http(FreePorts.next()));
      }
      for (BackendProcess backend : backends) {
        await().atMost(Duration.ofSeconds(30)).until(backend::accepting);
      }
      dataPlane.apply(
          new Snapshot(
              1,
              List.of(listener("ns/web", ListenerProtocol.HTTP, port, "ns/web")),
              List.of(
                  withPassiveHealth(
                      group(
                          "ns/web",
                          BackendProtocol.HTTP,
                          httpCheck(INTERVAL_SECONDS, 2, 2),
                          backends.stream().map(b -> member(b.port(), 1)).toList()),
                      // Ejected after 5 failures in a row, for 5 s the first time (not Envoy's
                      // 30 s), so the revived member is back within the test's patience.
                      new PassiveHealth(true, 5, 5, 300, 10, 50)))));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> states(dataPlane).stream().allMatch(s -> s == HealthState.HEALTHY));
      SteadyLoad load = SteadyLoad.start(port, "/", 8, 400);
      await().atMost(Duration.ofSeconds(10)).until(() -> load.sent() > 400);

      BackendProcess victim = backends.get(0);
      long killed = System.nanoTime();
      victim.kill();
      await()
          .atMost(Duration.ofSeconds(3))
          .until(() -> health(dataPlane, victim.port()).state() == HealthState.UNHEALTHY);
      Duration ejectedAfter = Duration.ofNanos(System.nanoTime() - killed);
      String ejectedReason = health(dataPlane, victim.port()).reason();
      long before = load.sent();
      await().atMost(Duration.ofSeconds(20)).until(() -> load.sent() > before + 2_000);

      BackendProcess revived = BackendProcess.http(victim.port());
      backends.set(0, revived);
      await()
          .atMost(Duration.ofSeconds(4L * INTERVAL_SECONDS))
          .until(() -> health(dataPlane, victim.port()).state() == HealthState.HEALTHY);
      SteadyLoad.Result result = load.stop();

      assertThat(result.failed()).as(result.why()).isZero();
      // Passive health, not the active checks, took it out (how soon is the row's figure).
      assertThat(ejectedReason)
          .startsWith("ejected by passive health: 5 failures in a row, the last: connection");
      ReliabilityRows.record(
          "backend SIGKILLed mid-load",
          result.load(),
          "1 of 3 member processes SIGKILLed, restarted later on its port",
          result.sent(),
          result.failed(),
          String.format(
              "requests it would have taken retried once on another member; ejected after 5"
                  + " failed connects in a row, %d ms after the kill (active checks alone: 10 s),"
                  + " back once the ejection ran out and checks passed. %s",
              ejectedAfter.toMillis(), result.why()));
    } finally {
      for (BackendProcess backend : backends) {
        backend.close();
      }
    }
  }

  private static List<HealthState> states(TestDataPlane dataPlane) {
    return dataPlane.dataPlane().status().groups().get(0).members().stream()
        .map(MemberHealth::state)
        .toList();
  }

  private static MemberHealth health(TestDataPlane dataPlane, int port) {
    return dataPlane.dataPlane().status().groups().get(0).members().stream()
        .filter(m -> m.port() == port)
        .findFirst()
        .orElseThrow();
  }
}
