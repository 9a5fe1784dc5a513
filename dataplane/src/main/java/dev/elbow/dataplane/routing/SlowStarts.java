package dev.elbow.dataplane.routing;

import dev.elbow.dataplane.lb.SlowStartRamp;

/** Where a member's slow start is, applied to its picker weight. */
final class SlowStarts {

  private SlowStarts() {}

  /**
   * The member's weight for the round-robin picker: in tenths ({@link SlowStartRamp#SCALE}) when
   * the group has slow start, ramped while the member is in it. The ramp ends when its time is up,
   * and at once when the member is the only one taking traffic (nobody else to spare it).
   *
   * @param advance whether to record the outcome in the member's traffic state (end the ramp, note
   *     the effective weight); false only computes
   */
  static int pickerWeight(
      Member member, long slowStartNanos, long now, int inService, boolean advance) {
    MemberTraffic traffic = member.traffic();
    if (slowStartNanos <= 0) {
      if (advance) {
        traffic.ramping = false;
      }
      return member.weight();
    }
    int full = member.weight() * SlowStartRamp.SCALE;
    if (!traffic.ramping) {
      return full;
    }
    long elapsed = now - traffic.rampStartNanos;
    if (elapsed >= slowStartNanos || inService < 2) {
      if (advance) {
        traffic.ramping = false;
        traffic.effectiveTenths = MemberTraffic.FULL;
      }
      return full;
    }
    int tenths = SlowStartRamp.weightTenths(member.weight(), elapsed, slowStartNanos);
    if (advance) {
      traffic.effectiveTenths = tenths;
    }
    return tenths;
  }
}
