package dev.elbow.snapshot;

/** What the data plane knows about a member's health. */
public enum HealthState {
  /** Passing its health checks: gets traffic. */
  HEALTHY,
  /** Failing its health checks: gets no new connections or requests. */
  UNHEALTHY,
  /** Not checked yet; gets traffic only while no member of its group is healthy. */
  UNKNOWN,
  /** The group has health checks turned off: gets traffic by weight alone. */
  UNMONITORED,
  /**
   * Weight 0: gets no new connections or requests, while the ones it has finish. Reported instead
   * of the member's health, which is still checked.
   */
  DRAINING
}
