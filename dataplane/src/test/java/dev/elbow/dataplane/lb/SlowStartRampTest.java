package dev.elbow.dataplane.lb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlowStartRampTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long DURATION = 30 * SECOND;

  @Test
  void risesLinearlyFromATenthToTheWholeWeight() {
    assertThat(SlowStartRamp.weightTenths(10, 0, DURATION)).isEqualTo(10); // a tenth of 100
    assertThat(SlowStartRamp.weightTenths(10, 15 * SECOND, DURATION)).isEqualTo(55);
    assertThat(SlowStartRamp.weightTenths(10, 27 * SECOND, DURATION)).isEqualTo(91);
    assertThat(SlowStartRamp.weightTenths(10, DURATION, DURATION)).isEqualTo(100);
    assertThat(SlowStartRamp.weightTenths(10, 10 * DURATION, DURATION)).isEqualTo(100);
  }

  @Test
  void neverDecreasesAndAMemberOfWeightOneRampsToo() {
    int previous = 0;
    for (long t = 0; t <= DURATION; t += SECOND) {
      int tenths = SlowStartRamp.weightTenths(1, t, DURATION);
      assertThat(tenths).isBetween(1, 10).isGreaterThanOrEqualTo(previous);
      previous = tenths;
    }
    assertThat(SlowStartRamp.weightTenths(1, 0, DURATION)).isEqualTo(1);
    assertThat(previous).isEqualTo(10);
  }
}
