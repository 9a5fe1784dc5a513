package dev.elbow.dataplane.routing;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A member's record under passive health: its failures in a row, and whether it is ejected. Kept in
 * {@link MemberTraffic}, so it survives snapshots while the member stays in its group.
 *
 * <p>The failure count is bumped and reset by the event loops of the exchanges it counts; a reset
 * only writes when the count is not zero already, so the common case (a good response after good
 * responses) is one volatile read. Ejecting and returning are decided under the group's lock (see
 * {@link GroupRuntime#failed}); the request path reads {@link #ejected} only.
 */
public final class Ejection {

  private final AtomicInteger failuresInARow = new AtomicInteger();
  // Guarded by the group's lock.
  private int ejections;
  private volatile long total;
  private long returnedNanos;
  // 0 while the member is not ejected; read on the request path (through Member#inService).
  private volatile long untilNanos;
  private volatile Instant until;
  private volatile String reason;

  /** A good response: the failures in a row start over. */
  void passed() {
    if (failuresInARow.get() != 0) {
      failuresInARow.set(0);
    }
  }

  /** One more failure in a row; returns how many there are now. */
  int failed() {
    return failuresInARow.incrementAndGet();
  }

  /** Ejections since the member joined its group. */
  public long total() {
    return total;
  }

  /** Whether the member is out of service by passive health now. */
  public boolean ejected() {
    return untilNanos != 0;
  }

  /** When an ejected member comes back; null when it is not ejected. */
  public Instant until() {
    return ejected() ? until : null;
  }

  /** Why the member was ejected; null when it is not. */
  public String reason() {
    return ejected() ? reason : null;
  }

  /**
   * Ejects the member for the base time times its recent ejections (at most {@code maxNanos}), as
   * Envoy does; each base time spent back in service since the last return forgives one earlier
   * ejection. Under the group's lock.
   *
   * @return how long the ejection lasts, in seconds
   */
  long eject(long nowNanos, Instant now, long baseNanos, long maxNanos, String why) {
    if (ejections > 0) {
      long forgiven = (nowNanos - returnedNanos) / baseNanos;
      ejections = (int) Math.max(0, ejections - forgiven);
    }
    ejections++;
    total++; // under the group's lock: one writer
    long nanos = Math.min(maxNanos, baseNanos * ejections);
    reason = why;
    until = now.plusNanos(nanos);
    untilNanos = nowNanos + nanos;
    if (untilNanos == 0) {
      untilNanos = 1; // 0 means "not ejected"; nanoTime may be anywhere
    }
    return TimeUnit.NANOSECONDS.toSeconds(nanos);
  }

  /** Whether the ejection is over at {@code nowNanos}. */
  boolean expired(long nowNanos) {
    long end = untilNanos;
    return end != 0 && nowNanos - end >= 0;
  }

  /** Puts the member back in service, with a clean slate of failures. Under the group's lock. */
  void end(long nowNanos) {
    untilNanos = 0;
    returnedNanos = nowNanos;
    failuresInARow.set(0);
  }
}
