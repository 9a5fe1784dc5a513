package dev.elbow.dataplane.health;

import dev.elbow.dataplane.proxy.ProxyHeaders;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.dataplane.routing.RoutingTable;
import dev.elbow.dataplane.transport.Transport;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.ExpectedCodes;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.HealthCheckProtocol;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.ProxyProtocol;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the active health checks of every member in the routing table. Each member gets its own task
 * on one event loop, which checks it every interval and feeds the results into the member's {@link
 * HealthStatus}; when a status changes the group is told, so its picker is rebuilt.
 */
public final class HealthChecker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("elbow.health");

  private final EventLoopGroup loops;
  private final Transport transport;
  private final Clock clock;
  private final Consumer<String> onGroupHealthChange;
  private final Map<HealthStatus, CheckTask> tasks = new IdentityHashMap<>();

  /**
   * @param onGroupHealthChange called with the group's name whenever a member's state, or the
   *     reason it is unhealthy, changes
   */
  public HealthChecker(
      EventLoopGroup loops,
      Transport transport,
      Clock clock,
      Consumer<String> onGroupHealthChange) {
    this.loops = loops;
    this.transport = transport;
    this.clock = clock;
    this.onGroupHealthChange = onGroupHealthChange;
  }

  /**
   * Checks exactly the members of this table: starts tasks for new ones, stops tasks of members
   * that left. A member whose status object was carried over keeps its running task.
   */
  public synchronized void update(RoutingTable table) {
    Set<HealthStatus> live = Collections.newSetFromMap(new IdentityHashMap<>());
    for (GroupRuntime group : table.groups()) {
      HealthCheckConfig check = group.config().healthCheck();
      if (!check.enabled()) {
        continue;
      }
      for (Member member : group.members()) {
        live.add(member.health());
        tasks.computeIfAbsent(member.health(), status -> start(group, member, check));
      }
    }
    for (Iterator<Map.Entry<HealthStatus, CheckTask>> it = tasks.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<HealthStatus, CheckTask> entry = it.next();
      if (!live.contains(entry.getKey())) {
        entry.getValue().cancelled = true;
        it.remove();
      }
    }
  }

  private CheckTask start(GroupRuntime group, Member member, HealthCheckConfig check) {
    int port = check.port() != null ? check.port() : member.config().port();
    InetSocketAddress target = new InetSocketAddress(member.socketAddress().getAddress(), port);
    CheckTask task =
        new CheckTask(loops.next(), group.name(), member, target, probe(check, group), check);
    task.loop.execute(task::run); // the first check runs at once, so traffic need not wait
    return task;
  }

  private Probe probe(HealthCheckConfig check, GroupRuntime group) {
    return switch (check.protocol()) {
      case TCP -> new TcpProbe(transport, check.timeoutSeconds());
      case HTTP, HTTPS ->
          new HttpProbe(
              transport,
              check.timeoutSeconds(),
              check.path(),
              check.host(),
              ExpectedCodes.parse(check.expectedCodes()),
              check.protocol() == HealthCheckProtocol.HTTPS ? group.tls() : null);
      case GRPC ->
          new GrpcProbe(
              transport,
              check.timeoutSeconds(),
              check.grpcService(),
              group.config().protocol() == BackendProtocol.HTTPS ? group.tls() : null);
      case UDP ->
          new UdpProbe(
              transport, // the checker's own loops, whatever UDP listeners run on
              check.timeoutSeconds(),
              check.udpSend(),
              check.udpExpect(),
              group.config().protocol() == BackendProtocol.QUIC,
              // A member that reads a PROXY header on every datagram gets one on probes too.
              group.config().proxyProtocol() == ProxyProtocol.V2
                  ? ProxyHeaders.local()
                  : new byte[0]);
    };
  }

  @Override
  public synchronized void close() {
    tasks.values().forEach(t -> t.cancelled = true);
    tasks.clear();
  }

  /** The repeating check of one member. */
  private final class CheckTask {
    final EventLoop loop;
    final String group;
    final Member member;
    final HealthStatus status;
    final InetSocketAddress target;
    final Probe probe;
    final long intervalNanos;
    volatile boolean cancelled;

    CheckTask(
        EventLoop loop,
        String group,
        Member member,
        InetSocketAddress target,
        Probe probe,
        HealthCheckConfig check) {
      this.loop = loop;
      this.group = group;
      this.member = member;
      this.status = member.health();
      this.target = target;
      this.probe = probe;
      this.intervalNanos = TimeUnit.SECONDS.toNanos(check.intervalSeconds());
    }

    void run() {
      if (cancelled || loop.isShuttingDown()) {
        return;
      }
      long started = System.nanoTime();
      probe
          .check(loop, target)
          .addListener(
              done -> {
                if (cancelled) {
                  return;
                }
                ProbeResult result = (ProbeResult) done.getNow();
                HealthState before = status.state();
                boolean changed =
                    result.healthy()
                        ? status.recordSuccess(clock.instant())
                        : status.recordFailure(result.reason(), clock.instant());
                if (status.state() != before) {
                  // One line per transition, with the reason, as HAProxy logs a server going down.
                  log.info(
                      "group {} member {}: {} -> {}{}",
                      group,
                      member,
                      before,
                      status.state(),
                      result.healthy() ? "" : ": " + result.reason());
                }
                if (changed) {
                  onGroupHealthChange.accept(group);
                }
                // Intervals are measured start to start, so slow checks do not stretch them.
                long wait = Math.max(0, intervalNanos - (System.nanoTime() - started));
                if (!loop.isShuttingDown()) {
                  loop.schedule(this::run, wait, TimeUnit.NANOSECONDS);
                }
              });
    }
  }
}
