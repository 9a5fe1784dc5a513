package dev.elbow.dataplane.lb;

/**
 * The weight of a member in slow start, as a pure function of time: it rises linearly from a tenth
 * of the member's weight (Envoy's default floor, so the member gets some traffic to warm on) to all
 * of it at the end of the duration.
 *
 * <p>Weights come out in tenths of a unit, because a member of weight 1 must be able to ramp too; a
 * picker over ramped weights takes every member's weight in tenths, and the smooth round robin
 * divides the common factor out again once no member ramps.
 */
public final class SlowStartRamp {

  /** Picker weights are in these units per unit of configured weight. */
  public static final int SCALE = 10;

  private SlowStartRamp() {}

  /**
   * The member's weight in tenths after {@code elapsedNanos} of a ramp of {@code durationNanos}:
   * between {@code weight} (a tenth) and {@code weight * SCALE} (all of it).
   */
  public static int weightTenths(int weight, long elapsedNanos, long durationNanos) {
    int full = weight * SCALE;
    if (elapsedNanos >= durationNanos || durationNanos <= 0) {
      return full;
    }
    double share = Math.max(0, elapsedNanos) / (double) durationNanos;
    double floor = 1.0 / SCALE;
    long tenths = Math.round(full * (floor + (1 - floor) * share));
    return (int) Math.max(1, Math.min(full, tenths));
  }
}
