package dev.elbow.dataplane;

import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.dataplane.routing.MemberTraffic;
import dev.elbow.dataplane.routing.RoutingTable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection draining's deadline. A member that starts draining (its pod is terminating) or leaves
 * its group keeps its open connections for the group's deregistration delay; then they are closed,
 * unless by then the member is back in the group and not draining.
 */
final class Deregistrations {

  private static final Logger log = LoggerFactory.getLogger(Deregistrations.class);

  /** Runs a task after a delay: the data plane's applier thread, or a test's own clock. */
  interface Timer {
    void after(int delaySeconds, Runnable task);
  }

  private Deregistrations() {}

  /** Schedules the deadline of every member that began to leave between the two tables. */
  static void schedule(
      RoutingTable before, RoutingTable after, Timer timer, Supplier<RoutingTable> current) {
    for (GroupRuntime old : before.groups()) {
      GroupRuntime now = after.group(old.name());
      int delay =
          now != null
              ? now.config().deregistrationDelaySeconds()
              : old.config().deregistrationDelaySeconds();
      for (Member member : old.members()) {
        String endpoint = member.config().endpoint();
        Member next = now == null ? null : now.member(endpoint);
        boolean leaving = next == null ? !member.config().draining() : next.config().draining();
        if (leaving && !member.config().draining()) {
          int drain = member.traffic().drainStarted();
          timer.after(
              delay,
              () -> closeIfGone(current.get(), old.name(), endpoint, member.traffic(), drain));
        }
      }
    }
    // Members that arrive already draining (an endpoint first seen while terminating).
    for (GroupRuntime now : after.groups()) {
      GroupRuntime old = before.group(now.name());
      for (Member member : now.members()) {
        String endpoint = member.config().endpoint();
        if (member.config().draining() && (old == null || old.member(endpoint) == null)) {
          int drain = member.traffic().drainStarted();
          timer.after(
              now.config().deregistrationDelaySeconds(),
              () -> closeIfGone(current.get(), now.name(), endpoint, member.traffic(), drain));
        }
      }
    }
  }

  private static void closeIfGone(
      RoutingTable table, String group, String endpoint, MemberTraffic traffic, int drain) {
    GroupRuntime runtime = table.group(group);
    Member member = runtime == null ? null : runtime.member(endpoint);
    if (member != null && !member.config().draining()) {
      return; // back in service before the deadline
    }
    int closed = traffic.closeConnections(drain); // nothing if a later drain has begun
    if (closed > 0) {
      log.info(
          "{}: deregistration delay over for {}: closed {} connections", group, endpoint, closed);
    }
  }
}
