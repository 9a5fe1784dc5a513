package dev.elbow.dataplane.routing;

import dev.elbow.snapshot.HealthState;
import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a member is doing with traffic, kept across snapshots for as long as the member stays in its
 * group: what it has in progress (for least connections, and what draining waits for) and where it
 * is in slow start.
 *
 * <p>The counts are changed by the event loops of the connections they count. The slow-start fields
 * are changed only by {@link GroupRuntime#refresh}, which the data plane runs on its one applier
 * thread (the old and the new group of a snapshot share these objects, so a per-group lock would
 * not do); status reads the volatile effective weight.
 */
public final class MemberTraffic {

  /** {@link #effectiveTenths} of a member at its full weight. */
  static final int FULL = -1;

  private final AtomicInteger active = new AtomicInteger();
  // Everything ever started: a LongAdder, as several event loops add to it at once.
  private final LongAdder started = new LongAdder();
  // Bytes to and from the member on every connection and flow, read when metrics are scraped.
  private final LongAdder bytesSent = new LongAdder();
  private final LongAdder bytesReceived = new LongAdder();
  // Connections to the member, so they can be closed when its deregistration delay runs out.
  private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
  // Which drain a deadline belongs to: a member that came back and left again has a new deadline,
  // and the old one must not cut the new drain short.
  private final AtomicInteger drains = new AtomicInteger();
  private final Ejection ejection = new Ejection();

  // Slow start: the applier thread only.
  HealthState lastState;
  boolean lastInService;
  boolean rampWhenFirstInService;
  boolean ramping;
  long rampStartNanos;
  volatile int effectiveTenths = FULL;

  /**
   * @param rampWhenFirstInService the member joined a group that was already serving, so its first
   *     time in service starts a slow start; members of a new group start at full weight together
   */
  MemberTraffic(boolean rampWhenFirstInService) {
    this.rampWhenFirstInService = rampWhenFirstInService;
  }

  /** The member's failures in a row and its ejection by passive health. */
  public Ejection ejection() {
    return ejection;
  }

  /** Connections, UDP flows or requests the member has in progress now. */
  public int active() {
    return active.get();
  }

  /** One more connection, flow or request in progress; pair with {@link #finished}. */
  public void started() {
    active.incrementAndGet();
    started.increment();
  }

  /** Connections, UDP flows or requests started with the member since it joined. */
  public long startedTotal() {
    return started.sum();
  }

  /** Where bytes sent to the member are added. */
  public LongAdder bytesSent() {
    return bytesSent;
  }

  /** Where bytes received from the member are added. */
  public LongAdder bytesReceived() {
    return bytesReceived;
  }

  /** A connection, flow or request counted by {@link #started} is over. */
  public void finished() {
    active.decrementAndGet();
  }

  /** Tracks a connection to the member until it closes; see {@link #closeConnections}. */
  public void track(Channel connection) {
    connections.add(connection);
    connection.closeFuture().addListener(f -> connections.remove(connection));
  }

  /** Starts a drain; its number is what {@link #closeConnections(int)} is given at the deadline. */
  public int drainStarted() {
    return drains.incrementAndGet();
  }

  /**
   * Closes the connections if {@code drain} is still the latest drain; see {@link
   * #closeConnections()}.
   */
  public int closeConnections(int drain) {
    return drains.get() == drain ? closeConnections() : 0;
  }

  /**
   * Closes every connection to the member: its deregistration delay ran out while it was draining
   * or after it left its group.
   *
   * @return how many were open
   */
  public int closeConnections() {
    int open = connections.size();
    connections.forEach(Channel::close);
    return open;
  }

  /**
   * The weight the member gets now while slow start ramps it up, in weight units rounded (at least
   * 1); null when it gets its full weight.
   */
  public Integer effectiveWeight() {
    int tenths = effectiveTenths;
    return tenths == FULL ? null : Math.max(1, Math.round(tenths / 10f));
  }
}
