package dev.elbow.dataplane.routing;

import static dev.elbow.dataplane.testing.Snapshots.httpCheck;
import static dev.elbow.dataplane.testing.Snapshots.listener;
import static dev.elbow.dataplane.testing.Snapshots.member;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.MemberConfig;
import dev.elbow.snapshot.SlowStart;
import dev.elbow.snapshot.Snapshot;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Slow start sampled with a clock the test moves: no waiting for time to pass. */
class SlowStartTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
  private RoutingTable table = RoutingTable.empty(new byte[32], clock::get);
  private long version;

  private GroupRuntime serve(HealthCheckConfig check, int... ports) {
    return serve(new SlowStart(30), check, ports);
  }

  private GroupRuntime serve(SlowStart slowStart, HealthCheckConfig check, int... ports) {
    List<MemberConfig> members =
        java.util.Arrays.stream(ports).mapToObj(p -> member(p, 10)).toList();
    GroupConfig group =
        new GroupConfig(
            "ns/web",
            BackendProtocol.HTTP,
            Algorithm.ROUND_ROBIN,
            members,
            check,
            null,
            null,
            null,
            slowStart);
    table =
        RoutingTable.build(
            new Snapshot(
                ++version,
                List.of(listener("ns/l", ListenerProtocol.HTTP, 7000, "ns/web")),
                List.of(group)),
            table,
            NOW);
    return table.group("ns/web");
  }

  private static Member at(GroupRuntime group, int port) {
    return group.member("127.0.0.1:" + port);
  }

  private static void healthy(GroupRuntime group, int port) {
    at(group, port).health().recordSuccess(NOW);
    group.refresh();
  }

  private static void unhealthy(GroupRuntime group, int port) {
    at(group, port).health().recordFailure("connection refused", NOW);
    group.refresh();
  }

  private void advance(long seconds, GroupRuntime group) {
    clock.addAndGet(seconds * SECOND);
    group.refresh();
  }

  /** Picks over whole cycles of the round robin: the shares are exact. */
  private static Map<Integer, Integer> shares(GroupRuntime group, int picks) {
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(group.pick().config().port(), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void membersOfANewGroupStartAtFullWeight() {
    GroupRuntime group = serve(httpCheck(5, 2, 3), 8001, 8002);
    healthy(group, 8001);
    healthy(group, 8002);
    assertThat(group.ramping()).isFalse();
    assertThat(at(group, 8002).traffic().effectiveWeight()).isNull();
  }

  @Test
  void anAddedMemberRampsLinearlyOverTheDuration() {
    GroupRuntime group = serve(httpCheck(5, 2, 3), 8001, 8002);
    healthy(group, 8001);
    healthy(group, 8002);

    group = serve(httpCheck(5, 2, 3), 8001, 8002, 8003);
    healthy(group, 8003);
    assertThat(group.ramping()).isTrue();
    assertThat(at(group, 8003).traffic().effectiveWeight()).isEqualTo(1); // a tenth of 10
    // Weights in tenths 100, 100, 10: one pick in 21 for the newcomer.
    assertThat(shares(group, 2100)).containsEntry(8003, 100).containsEntry(8001, 1000);

    advance(15, group);
    assertThat(at(group, 8003).traffic().effectiveWeight()).isEqualTo(6); // 5.5 rounded
    assertThat(shares(group, 2550)).containsEntry(8003, 550).containsEntry(8002, 1000);

    advance(15, group);
    assertThat(group.ramping()).isFalse();
    assertThat(at(group, 8003).traffic().effectiveWeight()).isNull();
    assertThat(shares(group, 3000)).containsEntry(8003, 1000);
  }

  @Test
  void aMemberThatTurnsHealthyAgainRampsAndTurningUnhealthyEndsTheRamp() {
    GroupRuntime group = serve(httpCheck(5, 2, 1), 8001, 8002);
    healthy(group, 8001);
    healthy(group, 8002);
    unhealthy(group, 8002);
    assertThat(shares(group, 10)).containsOnlyKeys(8001);

    healthy(group, 8002); // healthy threshold 1
    assertThat(group.ramping()).isTrue();
    advance(10, group);
    assertThat(at(group, 8002).traffic().effectiveWeight()).isEqualTo(4);

    unhealthy(group, 8002);
    assertThat(group.ramping()).isFalse();
    advance(60, group);
    healthy(group, 8002); // starts over from the floor, not where it left off
    assertThat(at(group, 8002).traffic().effectiveWeight()).isEqualTo(1);
  }

  @Test
  void theOnlyMemberNeverRamps() {
    GroupRuntime group = serve(httpCheck(5, 2, 1), 8001, 8002);
    healthy(group, 8001);
    unhealthy(group, 8002);
    unhealthy(group, 8001);
    healthy(group, 8001); // back, but nobody else takes traffic
    assertThat(group.ramping()).isFalse();
    assertThat(at(group, 8001).traffic().effectiveWeight()).isNull();
  }

  @Test
  void withHealthChecksOffAnAddedMemberGetsItsFullWeightAtOnce() {
    GroupRuntime group = serve(HealthCheckConfig.DISABLED, 8001);
    group = serve(HealthCheckConfig.DISABLED, 8001, 8002);
    assertThat(group.ramping()).isFalse();
    assertThat(shares(group, 100)).containsEntry(8001, 50).containsEntry(8002, 50);
  }

  @Test
  void aRampGoesOnAcrossSnapshots() {
    GroupRuntime group = serve(httpCheck(5, 2, 3), 8001);
    healthy(group, 8001);
    group = serve(httpCheck(5, 2, 3), 8001, 8002);
    healthy(group, 8002);
    advance(15, group);
    group = serve(httpCheck(5, 2, 3), 8001, 8002); // an unrelated change re-applies the group
    assertThat(group.ramping()).isTrue();
    assertThat(at(group, 8002).traffic().effectiveWeight()).isEqualTo(6);
  }

  @Test
  void buildingATableThatIsNeverSwappedInLeavesRampsAlone() {
    GroupRuntime group = serve(httpCheck(5, 2, 3), 8001);
    healthy(group, 8001);
    group = serve(httpCheck(5, 2, 3), 8001, 8002);
    healthy(group, 8002);
    RoutingTable inForce = table;

    // A snapshot without slow start is built (and, say, refused afterwards for a certificate).
    serve(null, httpCheck(5, 2, 3), 8001, 8002);
    table = inForce;
    advance(3, group);
    assertThat(group.ramping()).as("the group in force still ramps").isTrue();
    assertThat(at(group, 8002).traffic().effectiveWeight()).isEqualTo(2);
  }
}
