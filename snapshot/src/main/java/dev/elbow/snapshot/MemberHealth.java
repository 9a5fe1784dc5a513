package dev.elbow.snapshot;

import java.time.Instant;

/**
 * A member's health as one data plane sees it.
 *
 * @param address the member's address
 * @param port the member's port
 * @param state the current state
 * @param reason why the last check failed ("connection refused", "HTTP 503", "timeout after 3s");
 *     null while checks pass
 * @param since when the member entered this state
 * @param effectiveWeight while slow start ramps the member up: the share it gets now, in units of
 *     weight (rounded, at least 1); null when it gets its full weight
 * @param ejectedUntil while passive health has ejected the member: when it comes back (its state is
 *     then UNHEALTHY and the reason says why); null otherwise
 */
public record MemberHealth(
    String address,
    int port,
    HealthState state,
    String reason,
    Instant since,
    Integer effectiveWeight,
    Instant ejectedUntil) {

  /** A member that is not ejected. */
  public MemberHealth(
      String address,
      int port,
      HealthState state,
      String reason,
      Instant since,
      Integer effectiveWeight) {
    this(address, port, state, reason, since, effectiveWeight, null);
  }

  /** A member at its full weight. */
  public MemberHealth(String address, int port, HealthState state, String reason, Instant since) {
    this(address, port, state, reason, since, null);
  }
}
