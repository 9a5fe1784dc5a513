package dev.elbow.snapshot;

/**
 * Passive health (outlier detection): how a group judges its members by the traffic they serve, as
 * Envoy's outlier detection does. A member is ejected after {@code consecutiveFailures} failures in
 * a row (a refused or timed-out connect, a reset or close before the response, a malformed
 * response, a response timeout); any good response resets the count. An ejection lasts {@code
 * baseEjectionSeconds} times the number of recent ejections, at most {@code maxEjectionSeconds},
 * and then the member is back. At most {@code maxEjectionPercent} of the group is ejected at once
 * (one member always may be). When fewer than {@code panicThresholdPercent} of the members that may
 * take traffic are in service, traffic spreads over all of them, in service or not, rather than
 * over too few or none.
 *
 * @param enabled false turns ejection off (the panic threshold still applies)
 * @param consecutiveFailures 1-100 (Envoy: 5)
 * @param baseEjectionSeconds 1-3600 (Envoy: 30)
 * @param maxEjectionSeconds 1-3600, at least the base (Envoy: 300)
 * @param maxEjectionPercent 0-100 (Envoy: 10)
 * @param panicThresholdPercent 0-100, 0 never panics (Envoy: 50)
 */
public record PassiveHealth(
    boolean enabled,
    int consecutiveFailures,
    int baseEjectionSeconds,
    int maxEjectionSeconds,
    int maxEjectionPercent,
    int panicThresholdPercent) {

  public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;
  public static final int DEFAULT_BASE_EJECTION_SECONDS = 30;
  public static final int DEFAULT_MAX_EJECTION_SECONDS = 300;
  public static final int DEFAULT_MAX_EJECTION_PERCENT = 10;
  public static final int DEFAULT_PANIC_THRESHOLD_PERCENT = 50;

  /** Envoy's defaults, what a group without a {@code passiveHealth} block gets. */
  public static final PassiveHealth DEFAULTS =
      new PassiveHealth(
          true,
          DEFAULT_CONSECUTIVE_FAILURES,
          DEFAULT_BASE_EJECTION_SECONDS,
          DEFAULT_MAX_EJECTION_SECONDS,
          DEFAULT_MAX_EJECTION_PERCENT,
          DEFAULT_PANIC_THRESHOLD_PERCENT);
}
