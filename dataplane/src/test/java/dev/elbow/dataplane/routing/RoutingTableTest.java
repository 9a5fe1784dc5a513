package dev.elbow.dataplane.routing;

import static dev.elbow.dataplane.testing.Snapshots.group;
import static dev.elbow.dataplane.testing.Snapshots.listener;
import static dev.elbow.dataplane.testing.Snapshots.member;
import static dev.elbow.dataplane.testing.Snapshots.passiveHealth;
import static dev.elbow.dataplane.testing.Snapshots.tcpCheck;
import static dev.elbow.dataplane.testing.Snapshots.withPassiveHealth;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutingTableTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  private static Snapshot snapshot(long version, HealthCheckConfig check, int... ports) {
    return new Snapshot(
        version,
        List.of(listener("ns/l", ListenerProtocol.TCP, 7000, "ns/g")),
        List.of(
            group(
                "ns/g",
                BackendProtocol.TCP,
                check,
                java.util.Arrays.stream(ports).mapToObj(p -> member(p, 1)).toList())));
  }

  @Test
  void routesListenerPortsToTheirGroup() {
    RoutingTable table =
        RoutingTable.build(snapshot(1, tcpCheck(5, 3, 3), 8001), RoutingTable.EMPTY, NOW);
    assertThat(table.route(7000).group().name()).isEqualTo("ns/g");
    assertThat(table.route(7001)).isNull();
  }

  @Test
  void membersKeepTheirHealthAcrossSnapshots() {
    RoutingTable first =
        RoutingTable.build(snapshot(1, tcpCheck(5, 3, 3), 8001, 8002), RoutingTable.EMPTY, NOW);
    first.group("ns/g").members().get(0).health().recordSuccess(NOW);

    RoutingTable second =
        RoutingTable.build(snapshot(2, tcpCheck(5, 3, 3), 8001, 8003), first, NOW);

    Member kept = second.group("ns/g").members().get(0);
    assertThat(kept.health()).isSameAs(first.group("ns/g").members().get(0).health());
    assertThat(kept.health().state()).isEqualTo(HealthState.HEALTHY);
    assertThat(second.group("ns/g").members().get(1).health().state())
        .isEqualTo(HealthState.UNKNOWN);
  }

  @Test
  void aChangedHealthCheckStartsOver() {
    RoutingTable first =
        RoutingTable.build(snapshot(1, tcpCheck(5, 3, 3), 8001), RoutingTable.EMPTY, NOW);
    first.group("ns/g").members().get(0).health().recordSuccess(NOW);
    RoutingTable second = RoutingTable.build(snapshot(2, tcpCheck(10, 3, 3), 8001), first, NOW);
    assertThat(second.group("ns/g").members().get(0).health().state())
        .isEqualTo(HealthState.UNKNOWN);
  }

  @Test
  void unhealthyMembersGetNoTrafficAndUntestedOnesOnlyAsALastResort() {
    // Without the panic threshold (see PassiveHealthRoutingTest for it).
    Snapshot unpanicked = snapshot(1, tcpCheck(5, 3, 1), 8001, 8002, 8003);
    unpanicked =
        new Snapshot(
            1,
            unpanicked.listeners(),
            List.of(withPassiveHealth(unpanicked.groups().get(0), passiveHealth(5, 0))));
    RoutingTable table = RoutingTable.build(unpanicked, RoutingTable.EMPTY, NOW);
    GroupRuntime group = table.group("ns/g");
    List<Member> members = group.members();

    assertThat(picked(group)).hasSize(3); // nothing checked yet: all untested members are tried

    members.get(0).health().recordSuccess(NOW);
    members.get(1).health().recordFailure("connection refused", NOW);
    group.refresh();
    assertThat(picked(group)).containsExactly(8001); // the untested 8003 waits behind a healthy one

    members.get(0).health().recordFailure("connection refused", NOW);
    group.refresh();
    assertThat(picked(group)).containsExactly(8003);

    members.get(2).health().recordFailure("connection refused", NOW);
    group.refresh();
    assertThat(group.pick()).isNull();
  }

  @Test
  void withoutHealthChecksEveryWeightedMemberServes() {
    RoutingTable table =
        RoutingTable.build(
            snapshot(1, HealthCheckConfig.DISABLED, 8001, 8002), RoutingTable.EMPTY, NOW);
    assertThat(picked(table.group("ns/g"))).containsExactlyInAnyOrder(8001, 8002);
    assertThat(table.group("ns/g").members().get(0).health().state())
        .isEqualTo(HealthState.UNMONITORED);
  }

  private static Set<Integer> picked(GroupRuntime group) {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      Member m = group.pick();
      if (m != null) {
        ports.add(m.config().port());
      }
    }
    return ports;
  }
}
