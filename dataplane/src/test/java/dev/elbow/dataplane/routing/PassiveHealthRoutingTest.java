package dev.elbow.dataplane.routing;

import static dev.elbow.dataplane.testing.Snapshots.group;
import static dev.elbow.dataplane.testing.Snapshots.listener;
import static dev.elbow.dataplane.testing.Snapshots.member;
import static dev.elbow.dataplane.testing.Snapshots.tcpCheck;
import static dev.elbow.dataplane.testing.Snapshots.withPassiveHealth;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.metrics.TrafficMetrics;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.PassiveHealth;
import dev.elbow.snapshot.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Passive health as the pickers see it, on a clock the test moves: ejection after failures in a
 * row, growing ejection times, the group's ejection share, the panic threshold, the retry budget.
 */
class PassiveHealthRoutingTest {

  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final List<String> rebuilds = new ArrayList<>();

  private GroupRuntime runtime(PassiveHealth policy, HealthCheckConfig check, int members) {
    Snapshot snapshot =
        new Snapshot(
            1,
            List.of(listener("ns/l", ListenerProtocol.HTTP, 7000, "ns/g")),
            List.of(
                withPassiveHealth(
                    group(
                        "ns/g",
                        BackendProtocol.HTTP,
                        check,
                        IntStream.range(0, members).mapToObj(i -> member(8001 + i, 1)).toList()),
                    policy)));
    RoutingTable empty =
        RoutingTable.empty(new byte[32], clock::get, TrafficMetrics.NONE, rebuilds::add);
    GroupRuntime group = RoutingTable.build(snapshot, empty, NOW).group("ns/g");
    group.refresh();
    return group;
  }

  private static PassiveHealth policy(int failures, int base, int max, int percent, int panic) {
    return new PassiveHealth(true, failures, base, max, percent, panic);
  }

  private void advanceSeconds(long seconds) {
    clock.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
  }

  @Test
  void aMemberIsEjectedOnlyAfterFailuresInARowAndAGoodAnswerStartsThemOver() {
    GroupRuntime group = runtime(policy(3, 30, 300, 50, 0), HealthCheckConfig.DISABLED, 2);
    Member bad = group.members().get(0);

    group.failed(bad, "connection reset");
    group.failed(bad, "connection reset");
    group.passed(bad);
    group.failed(bad, "connection reset");
    group.failed(bad, "connection reset");
    assertThat(bad.traffic().ejection().ejected())
        .as("a good answer started the count over")
        .isFalse();

    group.failed(bad, "connection reset");
    assertThat(bad.traffic().ejection().ejected()).isTrue();
    assertThat(bad.traffic().ejection().reason())
        .isEqualTo("3 failures in a row, the last: connection reset");
    assertThat(bad.traffic().ejection().until()).isNotNull();
    assertThat(rebuilds).containsExactly("ns/g");
    group.refresh(); // what the data plane does when told
    assertThat(picked(group)).containsExactly(8002);
  }

  @Test
  void anEjectionRunsOutAndGrowsWithEachRepeatUpToTheMaximum() {
    GroupRuntime group = runtime(policy(1, 10, 25, 50, 0), HealthCheckConfig.DISABLED, 2);
    Member bad = group.members().get(0);

    group.failed(bad, "connection refused");
    group.refresh();
    advanceSeconds(9);
    assertThat(group.ejectionExpired()).isFalse();
    advanceSeconds(1);
    assertThat(group.ejectionExpired()).as("10 s the first time").isTrue();
    group.refresh();
    assertThat(bad.traffic().ejection().ejected()).isFalse();
    assertThat(picked(group)).containsExactlyInAnyOrder(8001, 8002);

    group.failed(bad, "connection refused"); // at once again: twice the base
    advanceSeconds(19);
    assertThat(group.ejectionExpired()).isFalse();
    advanceSeconds(1);
    assertThat(group.ejectionExpired()).as("20 s the second time").isTrue();
    group.refresh();

    group.failed(bad, "connection refused"); // three times the base, capped at 25 s
    advanceSeconds(24);
    assertThat(group.ejectionExpired()).isFalse();
    advanceSeconds(1);
    assertThat(group.ejectionExpired()).as("at most 25 s").isTrue();
    group.refresh();

    advanceSeconds(30); // three base times in service forgive all three ejections
    group.failed(bad, "connection refused");
    advanceSeconds(10);
    assertThat(group.ejectionExpired()).as("back to the base time").isTrue();
  }

  @Test
  void activeChecksThatSeeTheMemberFailAndRecoverEndItsEjection() {
    GroupRuntime group = runtime(policy(1, 300, 300, 50, 0), tcpCheck(5, 3, 1), 2);
    Member bad = group.members().get(0);
    group.members().forEach(m -> m.health().recordSuccess(NOW));
    group.refresh();

    group.failed(bad, "connection refused");
    group.refresh();
    bad.health().recordSuccess(NOW);
    group.refresh();
    assertThat(bad.traffic().ejection().ejected())
        .as("checks that kept passing say nothing about what traffic found")
        .isTrue();

    bad.health().recordFailure("connection refused", NOW);
    group.refresh();
    bad.health().recordSuccess(NOW);
    group.refresh();
    assertThat(bad.traffic().ejection().ejected()).as("failed, then passed again").isFalse();
    assertThat(picked(group)).containsExactlyInAnyOrder(8001, 8002);
  }

  @Test
  void atMostTheGroupsShareIsEjectedButOneMemberAlwaysMayBe() {
    GroupRuntime ten = runtime(policy(1, 30, 300, 20, 0), HealthCheckConfig.DISABLED, 10);
    ten.members().forEach(m -> ten.failed(m, "connection reset"));
    assertThat(ten.members().stream().filter(m -> m.traffic().ejection().ejected()))
        .as("20% of 10")
        .hasSize(2);

    GroupRuntime two = runtime(policy(1, 30, 300, 10, 0), HealthCheckConfig.DISABLED, 2);
    two.members().forEach(m -> two.failed(m, "connection reset"));
    assertThat(two.members().stream().filter(m -> m.traffic().ejection().ejected()))
        .as("10% of 2 rounds down to none, but one may always be ejected")
        .hasSize(1);
  }

  @Test
  void disabledPassiveHealthNeverEjects() {
    GroupRuntime group =
        runtime(new PassiveHealth(false, 1, 30, 300, 100, 0), HealthCheckConfig.DISABLED, 2);
    for (int i = 0; i < 10; i++) {
      group.failed(group.members().get(0), "connection reset");
    }
    assertThat(group.members().get(0).traffic().ejection().ejected()).isFalse();
  }

  @Test
  void belowThePanicThresholdEveryMemberTakesTraffic() {
    GroupRuntime group = runtime(policy(5, 30, 300, 10, 50), tcpCheck(5, 3, 1), 4);
    List<Member> members = group.members();
    members.forEach(m -> m.health().recordSuccess(NOW));
    members.get(0).health().recordFailure("connection refused", NOW);
    members.get(1).health().recordFailure("connection refused", NOW);
    group.refresh();
    assertThat(picked(group)).as("2 of 4 in service is not below 50%").containsExactly(8003, 8004);

    members.get(2).health().recordFailure("connection refused", NOW);
    group.refresh();
    assertThat(picked(group))
        .as("1 of 4 is: all four take traffic")
        .containsExactlyInAnyOrder(8001, 8002, 8003, 8004);

    members.get(3).health().recordFailure("connection refused", NOW);
    group.refresh();
    assertThat(picked(group)).as("none in service").hasSize(4);

    GroupRuntime calm = runtime(policy(5, 30, 300, 10, 0), tcpCheck(5, 3, 1), 2);
    calm.members().forEach(m -> m.health().recordFailure("connection refused", NOW));
    calm.refresh();
    assertThat(calm.pick()).as("panic threshold 0: nothing is tried").isNull();
  }

  @Test
  void theRetryBudgetIsThreeOrAFifthOfTheRequestsInFlight() {
    GroupRuntime group = runtime(PassiveHealth.DEFAULTS, HealthCheckConfig.DISABLED, 2);
    for (int i = 0; i < PassiveHealthJudge.MIN_RETRY_CONCURRENCY; i++) {
      assertThat(group.tryRetry()).isTrue();
    }
    assertThat(group.tryRetry()).as("3 in flight with few requests").isFalse();
    group.retryDone();
    assertThat(group.tryRetry()).isTrue();

    Member busy = group.members().get(0);
    for (int i = 0; i < 25; i++) {
      busy.traffic().started();
    }
    assertThat(group.tryRetry()).as("20% of 25 requests in flight is 5").isTrue();
    assertThat(group.tryRetry()).isTrue();
    assertThat(group.tryRetry()).isFalse();
  }

  private static Set<Integer> picked(GroupRuntime group) {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      Member m = group.pick();
      if (m != null) {
        ports.add(m.config().port());
      }
    }
    return ports;
  }
}
