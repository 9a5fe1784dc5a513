package dev.elbow.dataplane.routing;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Sticky sessions by client IP address for TCP and UDP groups: which member each client was sent
 * to, remembered until the client has been idle for the timeout.
 *
 * <p>Memory is bounded: at most {@link #capacity} clients per group in one data plane. Past it, new
 * clients are still served, by the group's algorithm, but not remembered (and counted), until
 * {@link #sweep} has dropped the expired ones. Entries are looked up once per new connection or
 * flow, never per packet.
 */
public final class SourceIpSessions {

  /** Clients remembered per group; one entry is about 100 bytes. */
  public static final int DEFAULT_CAPACITY = 65_536;

  private final ConcurrentHashMap<InetAddress, Session> sessions = new ConcurrentHashMap<>();
  private final long timeoutNanos;
  private final int capacity;
  private final LongSupplier nanoTime;
  private final LongAdder notRemembered = new LongAdder();

  /** A client's member and when the client last opened a connection or flow. */
  private static final class Session {
    final String endpoint;
    volatile long lastSeen;

    Session(String endpoint, long lastSeen) {
      this.endpoint = endpoint;
      this.lastSeen = lastSeen;
    }
  }

  public SourceIpSessions(int timeoutMinutes, int capacity, LongSupplier nanoTime) {
    this.timeoutNanos = TimeUnit.MINUTES.toNanos(timeoutMinutes);
    this.capacity = capacity;
    this.nanoTime = nanoTime;
  }

  /**
   * The endpoint ({@code address:port}) this client is stuck to, or null when it has no live
   * session; a hit renews the session.
   */
  public String endpointOf(InetAddress client) {
    Session session = sessions.get(client);
    if (session == null) {
      return null;
    }
    long now = nanoTime.getAsLong();
    if (now - session.lastSeen > timeoutNanos) {
      sessions.remove(client, session);
      return null;
    }
    session.lastSeen = now;
    return session.endpoint;
  }

  /** Sticks the client to the member at {@code endpoint}, if there is room. */
  public void remember(InetAddress client, String endpoint) {
    long now = nanoTime.getAsLong();
    if (sessions.size() >= capacity && !sessions.containsKey(client)) {
      notRemembered.increment();
      return;
    }
    sessions.put(client, new Session(endpoint, now));
  }

  /** Drops every session idle past the timeout; run from a timer, off the event loops. */
  public void sweep() {
    long now = nanoTime.getAsLong();
    sessions.values().removeIf(s -> now - s.lastSeen > timeoutNanos);
  }

  /** Clients remembered now. */
  public int size() {
    return sessions.size();
  }

  /** New clients not remembered because the table was full. */
  public long notRemembered() {
    return notRemembered.sum();
  }

  /** Whether this table serves sessions with this timeout, so it can be kept across snapshots. */
  boolean hasTimeout(int timeoutMinutes) {
    return timeoutNanos == TimeUnit.MINUTES.toNanos(timeoutMinutes);
  }
}
