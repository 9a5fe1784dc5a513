package dev.elbow.dataplane.health;

import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.MemberHealth;
import java.time.Instant;

/**
 * A member's health and the counting that moves it between states.
 *
 * <p>A new member is {@link HealthState#UNKNOWN} and its first check decides its state at once.
 * After that it takes {@code unhealthyThreshold} failures in a row to turn unhealthy and {@code
 * healthyThreshold} successes in a row to turn healthy again. Only the member's health check task
 * writes (always from one event loop); pickers on any thread read the volatile state. What traffic
 * finds (passive health) is kept apart, in {@link dev.elbow.dataplane.routing.Ejection}.
 */
public final class HealthStatus {

  private final int healthyThreshold;
  private final int unhealthyThreshold;
  private volatile HealthState state;
  private volatile String reason;
  private volatile Instant since;
  private int successesInARow;
  private int failuresInARow;

  private HealthStatus(
      HealthState state, int healthyThreshold, int unhealthyThreshold, Instant now) {
    this.state = state;
    this.healthyThreshold = healthyThreshold;
    this.unhealthyThreshold = unhealthyThreshold;
    this.since = now;
  }

  /** A member whose health is checked with these thresholds, not yet checked. */
  public static HealthStatus checked(int healthyThreshold, int unhealthyThreshold, Instant now) {
    return new HealthStatus(HealthState.UNKNOWN, healthyThreshold, unhealthyThreshold, now);
  }

  /** A member of a group without health checks. */
  public static HealthStatus unmonitored(Instant now) {
    return new HealthStatus(HealthState.UNMONITORED, 1, 1, now);
  }

  /**
   * Counts a passed check.
   *
   * @return true if the state changed
   */
  public boolean recordSuccess(Instant now) {
    failuresInARow = 0;
    successesInARow++;
    if (state == HealthState.UNKNOWN
        || (state == HealthState.UNHEALTHY && successesInARow >= healthyThreshold)) {
      reason = null;
      return moveTo(HealthState.HEALTHY, now);
    }
    return false;
  }

  /**
   * Counts a failed check.
   *
   * @param why what went wrong, kept as the reason while the member is unhealthy
   * @return true if the state changed, or the reason of an unhealthy member did
   */
  public boolean recordFailure(String why, Instant now) {
    successesInARow = 0;
    failuresInARow++;
    boolean newReason = !why.equals(reason);
    reason = why;
    if (state == HealthState.UNKNOWN
        || (state == HealthState.HEALTHY && failuresInARow >= unhealthyThreshold)) {
      return moveTo(HealthState.UNHEALTHY, now);
    }
    return state == HealthState.UNHEALTHY && newReason;
  }

  private boolean moveTo(HealthState next, Instant now) {
    if (state == next) {
      return false;
    }
    since = now;
    state = next;
    return true;
  }

  public HealthState state() {
    return state;
  }

  /** The reason of the last failed check while it matters, else null. */
  public String reason() {
    return state == HealthState.HEALTHY ? null : reason;
  }

  /** This status as the admin API reports it for the member at {@code address:port}. */
  public MemberHealth report(String address, int port) {
    return new MemberHealth(address, port, state, reason(), since);
  }
}
