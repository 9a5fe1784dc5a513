package dev.elbow.dataplane.routing;

/**
 * One connection, flow or request counted against the member serving it (see {@link
 * MemberTraffic#active}): counted from the moment the member is picked, so a burst of new
 * connections spreads under least connections before any connect completes, and moved when a retry
 * changes the member. One per connection, reused; touched only on its event loop.
 */
public final class InFlight {

  private MemberTraffic counted;

  /** Counts against {@code member}, ending any count this one held. */
  public void start(Member member) {
    MemberTraffic next = member.traffic();
    if (next == counted) {
      return;
    }
    finish();
    counted = next;
    next.started();
  }

  /** Ends the count, if one is held; safe to call more than once. */
  public void finish() {
    if (counted != null) {
      counted.finished();
      counted = null;
    }
  }
}
