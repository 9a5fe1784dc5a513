package dev.elbow.operator.status;

import dev.elbow.snapshot.HealthState;

/** The words status uses for the data plane's member health states. */
public final class MemberStates {

  private MemberStates() {}

  public static String of(HealthState state) {
    return switch (state) {
      case HEALTHY -> "Healthy";
      case UNHEALTHY -> "Unhealthy";
      case UNKNOWN -> "Unknown";
      case UNMONITORED -> "Unknown"; // health checks are off; the reason says so
      case DRAINING -> "Draining";
    };
  }

  /** Whether a member in this state takes new traffic. */
  public static boolean inService(HealthState state) {
    return state == HealthState.HEALTHY || state == HealthState.UNMONITORED;
  }
}
