package dev.elbow.dataplane.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * The traffic counters of one listener, kept across snapshots while the listener keeps its name and
 * protocol. The request path only adds to {@link LongAdder}s held here (no registry lookup, no
 * allocation); {@link TrafficMetrics} exports them, read when scraped.
 */
public final class ListenerMetrics {

  /** Counts that go nowhere, for tables built without a registry. */
  public static final ListenerMetrics NONE = new ListenerMetrics("none");

  private final String name;
  final LongAdder accepted = new LongAdder();
  final LongAdder active = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  final LongAdder bytesOut = new LongAdder();
  // By status class: 1xx at index 0 to 5xx at index 4.
  final LongAdder[] responses = adders(5);
  final LongAdder[] errors = adders(ErrorKind.values().length);

  ListenerMetrics(String name) {
    this.name = name;
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] adders = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }

  /** The listener's name, as the snapshot has it. */
  public String name() {
    return name;
  }

  /** A connection was accepted; pair with {@link #closed}. */
  public void accepted() {
    accepted.increment();
    active.increment();
  }

  /** A connection counted by {@link #accepted} closed. */
  public void closed() {
    active.decrement();
  }

  /** Where bytes received from clients are added. */
  public LongAdder bytesIn() {
    return bytesIn;
  }

  /** Where bytes sent to clients are added. */
  public LongAdder bytesOut() {
    return bytesOut;
  }

  /** A response with this status went to a client. */
  public void response(int status) {
    int index = status / 100 - 1;
    if (index >= 0 && index < responses.length) {
      responses[index].increment();
    }
  }

  public void error(ErrorKind kind) {
    errors[kind.ordinal()].increment();
  }
}
