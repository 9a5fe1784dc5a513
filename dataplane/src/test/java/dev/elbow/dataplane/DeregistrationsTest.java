package dev.elbow.dataplane;

import static dev.elbow.dataplane.testing.Snapshots.listener;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.routing.MemberTraffic;
import dev.elbow.dataplane.routing.RoutingTable;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.MemberConfig;
import dev.elbow.snapshot.Snapshot;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The deadlines of connection draining on a clock the test runs: each deadline {@link
 * Deregistrations} sets is kept with its delay and run when the test says the time has come.
 */
class DeregistrationsTest {

  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  private record Deadline(int seconds, Runnable task) {}

  private final List<Deadline> deadlines = new ArrayList<>();
  private RoutingTable table = RoutingTable.EMPTY;
  private long version;

  /** Applies a snapshot where b is "serving", "draining" or "gone"; deadlines are kept. */
  private void serve(String b) {
    List<MemberConfig> members = new ArrayList<>();
    members.add(new MemberConfig("127.0.0.1", 8001, 1, "service/db", false));
    if (!b.equals("gone")) {
      members.add(new MemberConfig("127.0.0.1", 8002, 1, "service/db", b.equals("draining")));
    }
    Snapshot snapshot =
        new Snapshot(
            ++version,
            List.of(listener("d/db", ListenerProtocol.TCP, 7000, "d/db")),
            List.of(
                new GroupConfig(
                    "d/db",
                    BackendProtocol.TCP,
                    Algorithm.ROUND_ROBIN,
                    members,
                    HealthCheckConfig.DISABLED,
                    null,
                    null,
                    null,
                    null,
                    4)));
    RoutingTable before = table;
    table = RoutingTable.build(snapshot, before, NOW);
    Deregistrations.schedule(
        before, table, (seconds, task) -> deadlines.add(new Deadline(seconds, task)), () -> table);
  }

  /** An open connection to b, tracked as the connector tracks it. */
  private EmbeddedChannel connectionToB() {
    EmbeddedChannel connection = new EmbeddedChannel();
    MemberTraffic traffic = table.group("d/db").member("127.0.0.1:8002").traffic();
    traffic.track(connection);
    return connection;
  }

  @Test
  void aDrainingMembersConnectionsCloseAtTheDeadline() {
    serve("serving");
    EmbeddedChannel b = connectionToB();
    serve("draining");
    assertThat(deadlines).hasSize(1);
    assertThat(deadlines.get(0).seconds()).isEqualTo(4);
    assertThat(b.isOpen()).as("before the deadline").isTrue();
    deadlines.get(0).task().run();
    assertThat(b.isOpen()).as("at the deadline").isFalse();
  }

  @Test
  void aMemberThatLeavesTheGroupDrainsToo() {
    serve("serving");
    EmbeddedChannel b = connectionToB();
    serve("gone");
    assertThat(deadlines).hasSize(1);
    deadlines.get(0).task().run();
    assertThat(b.isOpen()).isFalse();
  }

  @Test
  void aMemberBackBeforeTheDeadlineKeepsItsConnections() {
    serve("serving");
    EmbeddedChannel b = connectionToB();
    serve("draining");
    serve("serving");
    deadlines.forEach(d -> d.task().run());
    assertThat(b.isOpen()).isTrue();
  }

  @Test
  void theDeadlineOfADrainThatWasCalledOffDoesNotCutALaterDrainShort() {
    serve("serving");
    EmbeddedChannel b = connectionToB();
    serve("draining"); // deadline A
    serve("serving");
    serve("draining"); // deadline B
    assertThat(deadlines).hasSize(2);
    deadlines.get(0).task().run();
    assertThat(b.isOpen()).as("A belongs to a drain that was called off").isTrue();
    deadlines.get(1).task().run();
    assertThat(b.isOpen()).as("B is the drain in force").isFalse();
  }
}
