package dev.elbow.dataplane.health;

import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.MemberHealth;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A member's health and the counting that moves it between states.
 *
 * <p>A new member is {@link HealthState#UNKNOWN} and its first check decides its state at once.
 * After that it takes {@code unhealthyThreshold} failures in a row to turn unhealthy and {@code
 * healthyThreshold} successes in a row to turn healthy again. Only the member's health check task
 * writes (always from one event loop); pickers on any thread read the volatile state. Traffic that
 * finds the member gone (a refused or timed-out connect) ejects it through {@link #eject}, which
 * hands the change to that same task.
 */
public final class HealthStatus {

  private final int healthyThreshold;
  private final int unhealthyThreshold;
  private volatile HealthState state;
  private volatile String reason;
  private volatile Instant since;
  private int successesInARow;
  private int failuresInARow;
  // Set by the health checker while a task checks this member; null for unchecked members.
  private volatile Consumer<String> ejector;

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

  /**
   * Ejects the member now, from any thread, as traffic found it gone: it turns unhealthy at once,
   * not after {@code unhealthyThreshold} failed checks, and comes back only after {@code
   * healthyThreshold} passed ones. A member without health checks is not ejected: nothing would
   * bring it back.
   */
  public void eject(String why) {
    Consumer<String> current = ejector;
    if (current != null) {
      current.accept(why);
    }
  }

  /** How {@link #eject} reaches the checking task; the checker sets it, and clears it with null. */
  void ejectThrough(Consumer<String> value) {
    ejector = value;
  }

  /**
   * Counts an ejection, on the checking task's thread.
   *
   * @return true if the state changed
   */
  boolean recordEjection(String why, Instant now) {
    if (state == HealthState.UNHEALTHY || state == HealthState.UNMONITORED) {
      return false;
    }
    successesInARow = 0;
    failuresInARow = unhealthyThreshold;
    reason = why; // as a failed check would say it, so the reason does not flip when one does
    return moveTo(HealthState.UNHEALTHY, now);
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
