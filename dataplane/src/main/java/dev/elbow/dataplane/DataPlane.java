package dev.elbow.dataplane;

import dev.elbow.dataplane.admin.AdminServer;
import dev.elbow.dataplane.health.HealthChecker;
import dev.elbow.dataplane.metrics.AccessLog;
import dev.elbow.dataplane.proxy.BackendConnector;
import dev.elbow.dataplane.proxy.ConnectionLimit;
import dev.elbow.dataplane.proxy.ListenerPorts;
import dev.elbow.dataplane.proxy.ProxyContext;
import dev.elbow.dataplane.proxy.udp.UdpCounters;
import dev.elbow.dataplane.routing.Ejection;
import dev.elbow.dataplane.routing.GroupRuntime;
import dev.elbow.dataplane.routing.Member;
import dev.elbow.dataplane.routing.RoutingTable;
import dev.elbow.dataplane.routing.SourceIpSessions;
import dev.elbow.dataplane.routing.StickyCookies;
import dev.elbow.dataplane.transport.Transport;
import dev.elbow.snapshot.ApplyResult;
import dev.elbow.snapshot.DataPlaneStatus;
import dev.elbow.snapshot.GroupHealth;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.MemberHealth;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.SnapshotJson;
import dev.elbow.snapshot.SnapshotValidator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running data plane: listener ports, the routing table they read, the health checks that keep it
 * current, and the admin API that feeds it snapshots.
 *
 * <p>Snapshots are applied one at a time on a dedicated thread, never on an event loop: validate,
 * build the new table, swap it in with one volatile write, open the new ports and close the ones
 * that went away. An invalid snapshot changes nothing; a port that cannot be opened is reported in
 * status and retried, without holding up the rest.
 */
public final class DataPlane implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DataPlane.class);
  private static final int PORT_RETRY_SECONDS = 5;

  /** How often status hears about effective weights while a slow start goes on. */
  private static final int RAMP_REPORT_SECONDS = 5;

  private final Clock clock;
  private final EventLoopGroup workers;
  // The event loops of UDP sockets: the workers, or epoll loops beside io_uring workers. Netty
  // starts their threads only when a UDP listener opens.
  private final EventLoopGroup datagramWorkers;
  private final ScheduledExecutorService applier;
  private final ListenerPorts ports;
  private final HealthChecker healthChecker;
  private final AdminServer admin;
  private final DataPlaneMetrics metrics;
  private final ConnectionLimit connections;
  private final String instance = UUID.randomUUID().toString();
  private final AtomicLong revision = new AtomicLong(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
  private volatile RoutingTable table;
  private volatile boolean draining;
  // The version whose listener ports have been opened: readiness waits for them, not just the
  // table.
  private volatile long portsVersion;
  private long lastRampReport;
  private long ticks;

  private DataPlane(DataPlaneOptions options, Clock clock) {
    this.clock = clock;
    this.metrics = new DataPlaneMetrics(() -> table, this::udpCountersByPort);
    // Replicas share the admin token, so they sign sticky cookies alike.
    this.table =
        RoutingTable.empty(
            StickyCookies.keyFrom(options.adminToken()),
            System::nanoTime,
            metrics.traffic(),
            this::onGroupHealthChange);
    int threads =
        options.ioThreads() > 0 ? options.ioThreads() : Runtime.getRuntime().availableProcessors();
    this.workers = options.transport().newEventLoopGroup(threads, "elbow-io");
    Transport datagrams = options.transport().forDatagrams();
    this.datagramWorkers =
        datagrams == options.transport()
            ? workers
            : datagrams.newEventLoopGroup(threads, "elbow-udp");
    ScheduledThreadPoolExecutor applierThread =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "elbow-snapshot-applier");
              t.setDaemon(true);
              return t;
            });
    // Closing drops pending deadlines (deregistration delays of up to an hour) instead of
    // waiting for them.
    applierThread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    applierThread.setRemoveOnCancelPolicy(true);
    this.applier = applierThread;
    this.connections = new ConnectionLimit(ConnectionLimit.resolve(options.maxConnections()));
    ProxyContext proxy =
        new ProxyContext(
            () -> table,
            new BackendConnector(options.transport(), options.connectTimeoutMillis()),
            options.udpMaxFlows(),
            connections,
            options.accessLog() ? new AccessLog() : null);
    this.ports =
        new ListenerPorts(
            options.transport(),
            workers,
            datagrams,
            datagramWorkers,
            threads,
            options.listenAddress(),
            proxy);
    this.healthChecker =
        new HealthChecker(workers, options.transport(), clock, this::onGroupHealthChange);
    this.admin = new AdminServer(this, options);
  }

  /** Starts a data plane with no listeners; it serves once a snapshot is applied. */
  public static DataPlane start(DataPlaneOptions options) {
    return start(options, Clock.systemUTC());
  }

  static DataPlane start(DataPlaneOptions options, Clock clock) {
    DataPlane dataPlane = new DataPlane(options, clock);
    dataPlane.admin.start();
    dataPlane.applier.scheduleWithFixedDelay(
        dataPlane::retryFailedPorts, PORT_RETRY_SECONDS, PORT_RETRY_SECONDS, TimeUnit.SECONDS);
    dataPlane.applier.scheduleWithFixedDelay(dataPlane::tick, 1, 1, TimeUnit.SECONDS);
    log.info(
        "data plane up: admin API on {}:{}, {} transport, at most {} client connections",
        options.adminAddress(),
        dataPlane.adminPort(),
        options.transport(),
        dataPlane.connections.max());
    return dataPlane;
  }

  /** The port of the admin API. */
  public int adminPort() {
    return admin.port();
  }

  /** Applies a snapshot given as JSON, as the admin API receives it. */
  public CompletableFuture<ApplyOutcome> applyJson(byte[] json) {
    return CompletableFuture.supplyAsync(
        () -> {
          Snapshot snapshot;
          try {
            snapshot = SnapshotJson.read(json, Snapshot.class);
          } catch (IOException | RuntimeException e) {
            return ApplyOutcome.refused(
                ApplyOutcome.Kind.MALFORMED,
                table.snapshot().version(),
                List.of("body: not a snapshot: " + e.getMessage()));
          }
          return applyNow(snapshot);
        },
        applier);
  }

  /** Applies a snapshot. */
  public CompletableFuture<ApplyOutcome> apply(Snapshot snapshot) {
    return CompletableFuture.supplyAsync(() -> applyNow(snapshot), applier);
  }

  private ApplyOutcome applyNow(Snapshot snapshot) {
    RoutingTable current = table;
    long inForce = current.snapshot().version();
    List<String> problems = SnapshotValidator.validate(snapshot);
    if (!problems.isEmpty()) {
      log.warn("refused snapshot {}: {}", snapshot.version(), problems);
      return ApplyOutcome.refused(ApplyOutcome.Kind.INVALID, inForce, problems);
    }
    if (snapshot.version() == inForce && snapshot.sameConfigAs(current.snapshot())) {
      return new ApplyOutcome(ApplyOutcome.Kind.UNCHANGED, new ApplyResult(inForce, List.of()));
    }
    if (snapshot.version() <= inForce) {
      return ApplyOutcome.refused(
          ApplyOutcome.Kind.STALE,
          inForce,
          List.of(
              "version: "
                  + snapshot.version()
                  + " is not newer than "
                  + inForce
                  + ", the version in force"));
    }
    RoutingTable next;
    try {
      next = RoutingTable.build(snapshot, current, clock.instant());
    } catch (IllegalArgumentException e) {
      // Certificates that passed validation and still do not load (a key type the TLS library
      // refuses, say): nothing changes, and the message says which one.
      log.warn("refused snapshot {}: {}", snapshot.version(), e.getMessage());
      return ApplyOutcome.refused(ApplyOutcome.Kind.INVALID, inForce, List.of(e.getMessage()));
    }
    // Swap first, so a connection accepted on a new port finds its route.
    table = next;
    Deregistrations.schedule(
        current,
        next,
        (seconds, deadline) -> applier.schedule(deadline, seconds, TimeUnit.SECONDS),
        () -> table);
    // A health change between building the table and swapping it in went to the old groups.
    next.groups().forEach(GroupRuntime::refresh);
    metrics.traffic().retain(snapshot);
    if (!draining) { // a stopping data plane opens no port again
      ports.converge(snapshot);
      portsVersion = snapshot.version();
    }
    healthChecker.update(next);
    log.info(
        "applied snapshot {}: {} listeners, {} groups",
        snapshot.version(),
        snapshot.listeners().size(),
        snapshot.groups().size());
    changed();
    return new ApplyOutcome(ApplyOutcome.Kind.APPLIED, ApplyResult.applied(snapshot.version()));
  }

  /** Ports that could not be opened are tried again until they open or leave the snapshot. */
  private void retryFailedPorts() {
    if (!draining && ports.retryFailed(table.snapshot())) {
      changed();
    }
  }

  /**
   * Once a second: brings members whose passive-health ejection ran out back, moves slow starts on
   * (rebuilding the pickers of groups with a member ramping up, and telling status every {@link
   * #RAMP_REPORT_SECONDS} and when a ramp ends), and every ten seconds drops expired SOURCE_IP
   * sessions.
   */
  private void tick() {
    try {
      advanceSlowStartsAndSweep();
    } catch (RuntimeException e) {
      // A failure must not cancel the schedule: ramps would freeze part way.
      log.error("periodic slow-start and session upkeep failed", e);
    }
  }

  private void advanceSlowStartsAndSweep() {
    boolean rampEnded = false;
    boolean ramping = false;
    boolean ejectionEnded = false;
    for (GroupRuntime group : table.groups()) {
      if (group.ejectionExpired()) {
        group.refresh(); // passive health: the member's ejection is over, it is back
        ejectionEnded = true;
      }
      if (group.ramping()) {
        group.refresh();
        rampEnded |= !group.ramping();
        ramping |= group.ramping();
      }
    }
    long now = System.nanoTime();
    if (rampEnded
        || ejectionEnded
        || (ramping && now - lastRampReport >= TimeUnit.SECONDS.toNanos(RAMP_REPORT_SECONDS))) {
      lastRampReport = now;
      changed();
    }
    if (++ticks % 10 == 0) {
      table.groups().stream()
          .map(GroupRuntime::sourceIpSessions)
          .filter(Objects::nonNull)
          .forEach(SourceIpSessions::sweep);
    }
  }

  /**
   * A member's health changed (told on an event loop): its group's pickers are rebuilt on the
   * applier thread, since a rebuild costs milliseconds for hundreds of members (more in slow start)
   * and must not hold up an event loop.
   */
  private void onGroupHealthChange(String groupName) {
    try {
      applier.execute(
          () -> {
            GroupRuntime group = table.group(groupName);
            if (group != null) {
              group.refresh();
            }
            changed();
          });
    } catch (RejectedExecutionException e) {
      // Closing: nothing routes any more.
    }
  }

  private void changed() {
    revision.incrementAndGet();
    changeListeners.forEach(Runnable::run);
  }

  /** Runs {@code listener} (on the changing thread) whenever {@link #status()} changes. */
  public void onChange(Runnable listener) {
    changeListeners.add(listener);
  }

  /** Identifies this run of the data plane; see {@link DataPlaneStatus#instance()}. */
  public String instance() {
    return instance;
  }

  /** A number that grows whenever {@link #status()} changes. */
  public long revision() {
    return revision.get();
  }

  /** The version of the snapshot in force; 0 before the first. Cheap, for the readiness probe. */
  public long appliedVersion() {
    return table.snapshot().version();
  }

  /**
   * Whether a Service should send this data plane traffic: a snapshot is in force, its listener
   * ports have been opened (a port another process holds is retried, and shown in status, without
   * holding readiness back), and it is not stopping.
   */
  public boolean ready() {
    return !draining && portsVersion > 0;
  }

  /** Whether {@link #drain} has begun. */
  public boolean draining() {
    return draining;
  }

  /**
   * Stops gracefully, as on SIGTERM: turns unready, closes every listener port, lets each HTTP
   * exchange in progress finish (then closes its connection; idle ones close at once), waits for
   * the connections to end or for {@code deadline}, and closes the rest.
   *
   * @return how many connections the deadline cut
   */
  public int drain(Duration deadline) {
    draining = true;
    changed();
    ChannelGroup open;
    try {
      open = applier.submit(ports::stopAccepting).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      return -1;
    } catch (java.util.concurrent.ExecutionException | RejectedExecutionException e) {
      close();
      return -1;
    }
    log.info("draining: listener ports closed, {} connections open", open.size());
    int cut = Drains.await(open, deadline);
    if (cut > 0) {
      log.warn("drain deadline of {} s passed: closing {} connections", deadline.toSeconds(), cut);
    }
    close();
    return cut;
  }

  /** The version in force and every member's health. */
  public DataPlaneStatus status() {
    long currentRevision = revision.get();
    RoutingTable current = table;
    List<GroupHealth> groups = new ArrayList<>();
    for (GroupRuntime group : current.groups()) {
      List<MemberHealth> members = new ArrayList<>(group.members().size());
      for (Member member : group.members()) {
        members.add(report(member));
      }
      groups.add(new GroupHealth(group.name(), members));
    }
    return new DataPlaneStatus(
        instance, current.snapshot().version(), currentRevision, ports.states(), groups);
  }

  /** A member's health as status shows it: Draining at weight 0, with its slow-start weight. */
  static MemberHealth report(Member member) {
    MemberHealth health = member.health().report(member.config().address(), member.config().port());
    if (member.config().draining()) {
      return new MemberHealth(
          health.address(),
          health.port(),
          HealthState.DRAINING,
          "terminating: no new connections or requests",
          health.since());
    }
    if (member.weight() == 0) {
      return new MemberHealth(
          health.address(),
          health.port(),
          HealthState.DRAINING,
          "weight 0: no new connections or requests",
          health.since());
    }
    Ejection ejection = member.traffic().ejection();
    if (ejection.ejected()) {
      // What active checks find, when they find it unhealthy too, says more than the ejection.
      boolean checksFail = health.state() == HealthState.UNHEALTHY;
      return new MemberHealth(
          health.address(),
          health.port(),
          HealthState.UNHEALTHY,
          checksFail ? health.reason() : "ejected by passive health: " + ejection.reason(),
          health.since(),
          null,
          ejection.until());
    }
    Integer effective = member.traffic().effectiveWeight();
    return effective == null
        ? health
        : new MemberHealth(
            health.address(),
            health.port(),
            health.state(),
            health.reason(),
            health.since(),
            effective);
  }

  /**
   * Traffic counters for the admin API's {@code /v1/stats}: for each UDP listener port, its open
   * and opened flows and what it dropped (refused flows, malformed QUIC, no member, ICMP); for each
   * group, what each member has in progress (connections, flows or requests), as least connections
   * sees it; and the client connections open against the connection limit.
   */
  public Map<String, Object> stats() {
    Map<String, Object> udp = new java.util.TreeMap<>();
    ports.allUdpCounters().forEach((port, counters) -> udp.put(port.toString(), counters.asMap()));
    Map<String, Object> active = new java.util.TreeMap<>();
    for (GroupRuntime group : table.groups()) {
      Map<String, Integer> members = new java.util.LinkedHashMap<>();
      group.members().forEach(m -> members.put(m.config().endpoint(), m.traffic().active()));
      active.put(group.name(), members);
    }
    return Map.of(
        "udp",
        udp,
        "active",
        active,
        "connections",
        Map.of("open", connections.open(), "max", connections.max()));
  }

  /** Client connections open now over every TCP, HTTP and HTTPS listener, and their limit. */
  public ConnectionLimit connections() {
    return connections;
  }

  /** The Prometheus metrics, in its text format, for the admin API's {@code GET /metrics}. */
  public String metrics() {
    return metrics.scrape();
  }

  // A method, not a lambda: the metrics are made before the ports, and read them only when scraped.
  private Map<Integer, UdpCounters> udpCountersByPort() {
    return ports.allUdpCounters();
  }

  /** What the UDP listener on this port dropped, and why; null when there is none. */
  public UdpCounters udpCounters(int port) {
    return ports.udpCounters(port);
  }

  /** The ports with an open listener socket. */
  public Set<Integer> openPorts() {
    try {
      return applier.submit(ports::openPorts).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Closes every port and connection and stops the event loops; later calls do nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    admin.close();
    healthChecker.close();
    applier.execute(ports::close);
    applier.shutdown();
    try {
      applier.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    if (datagramWorkers != workers) {
      datagramWorkers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
