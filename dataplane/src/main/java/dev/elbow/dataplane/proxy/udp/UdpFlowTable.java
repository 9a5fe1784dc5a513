package dev.elbow.dataplane.proxy.udp;

import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The UDP flows of one listener port: which backend-side session serves each client address and
 * port, so that replies go back to the right client and a flow keeps its member.
 *
 * <p>Bounded: when {@link #capacity} flows are open, a new flow is refused and counted, never
 * queued, so a flood of source addresses costs a counter and not memory. Idle flows expire after
 * the listener's idle timeout; the table is kept in last-use order, so expiring looks only at the
 * flows that are actually idle, never at the whole table.
 *
 * <p>Not thread-safe: a listener port's datagrams are all handled on one event loop, which owns its
 * table. Time is passed in, in nanoseconds, so tests drive it without sleeping.
 *
 * @param <S> what serves a flow (the backend-side channel and the member it goes to)
 */
public final class UdpFlowTable<S> {

  private final int capacity;
  private long idleNanos;
  private final LinkedHashMap<InetSocketAddress, Flow<S>> flows;
  private long refused;

  /** A flow's session and when a datagram last went through it, either way. */
  private static final class Flow<S> {
    final S session;
    long lastUsed;

    Flow(S session, long lastUsed) {
      this.session = session;
      this.lastUsed = lastUsed;
    }
  }

  public UdpFlowTable(int capacity, long idleNanos) {
    if (capacity < 1 || idleNanos < 1) {
      throw new IllegalArgumentException("capacity and idle timeout must be positive");
    }
    this.capacity = capacity;
    this.idleNanos = idleNanos;
    this.flows = new LinkedHashMap<>(16, 0.75f, true); // access order: least recently used first
  }

  /** Changes the idle timeout, for a listener whose timeout was changed by a snapshot. */
  public void idleNanos(long nanos) {
    if (nanos < 1) {
      throw new IllegalArgumentException("the idle timeout must be positive");
    }
    idleNanos = nanos;
  }

  /** The session of the client's flow, marked used now; null if the client has no open flow. */
  public S use(InetSocketAddress client, long now) {
    Flow<S> flow = flows.get(client);
    if (flow == null) {
      return null;
    }
    flow.lastUsed = now;
    return flow.session;
  }

  /** Whether a new flow could be opened now; if not, the refusal is counted. */
  public boolean admit() {
    if (flows.size() < capacity) {
      return true;
    }
    refused++;
    return false;
  }

  /**
   * Opens the client's flow with its session; call only after {@link #admit} said yes.
   *
   * @throws IllegalStateException if the client already has a flow or the table is full
   */
  public void open(InetSocketAddress client, S session, long now) {
    if (flows.size() >= capacity || flows.containsKey(client)) {
      throw new IllegalStateException("no room for a flow from " + client);
    }
    flows.put(client, new Flow<>(session, now));
  }

  /** Ends the client's flow (its member left or failed); returns its session, or null. */
  public S close(InetSocketAddress client) {
    Flow<S> flow = flows.remove(client);
    return flow == null ? null : flow.session;
  }

  /** Ends the client's flow if {@code session} still serves it (a newer one may by now). */
  public void close(InetSocketAddress client, S session) {
    flows.computeIfPresent(client, (address, flow) -> flow.session == session ? null : flow);
  }

  /** Removes the flows idle for the timeout and hands each session to {@code closer}. */
  public int expire(long now, Consumer<S> closer) {
    int expired = 0;
    Iterator<Flow<S>> eldestFirst = flows.values().iterator();
    while (eldestFirst.hasNext()) {
      Flow<S> flow = eldestFirst.next();
      if (now - flow.lastUsed < idleNanos) {
        break; // every later flow was used more recently
      }
      eldestFirst.remove();
      closer.accept(flow.session);
      expired++;
    }
    return expired;
  }

  /** Closes every flow, for a listener that goes away. */
  public void clear(Consumer<S> closer) {
    for (Map.Entry<InetSocketAddress, Flow<S>> entry : flows.entrySet()) {
      closer.accept(entry.getValue().session);
    }
    flows.clear();
  }

  public int size() {
    return flows.size();
  }

  public int capacity() {
    return capacity;
  }

  /** New flows refused because the table was full, since the table was made. */
  public long refused() {
    return refused;
  }
}
