package dev.elbow.dataplane.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.snapshot.HealthState;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HealthStatusTest {

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void firstCheckDecidesAtOnce() {
    HealthStatus up = HealthStatus.checked(3, 3, T0);
    assertThat(up.state()).isEqualTo(HealthState.UNKNOWN);
    assertThat(up.recordSuccess(T0.plusSeconds(1))).isTrue();
    assertThat(up.state()).isEqualTo(HealthState.HEALTHY);

    HealthStatus down = HealthStatus.checked(3, 3, T0);
    assertThat(down.recordFailure("connection refused", T0)).isTrue();
    assertThat(down.state()).isEqualTo(HealthState.UNHEALTHY);
    assertThat(down.reason()).isEqualTo("connection refused");
  }

  @Test
  void turnsUnhealthyAfterThresholdFailuresInARow() {
    HealthStatus status = HealthStatus.checked(2, 3, T0);
    status.recordSuccess(T0);
    assertThat(status.recordFailure("HTTP 503", T0.plusSeconds(1))).isFalse();
    assertThat(status.recordFailure("HTTP 503", T0.plusSeconds(2))).isFalse();
    assertThat(status.state()).isEqualTo(HealthState.HEALTHY);
    assertThat(status.recordFailure("timeout after 3s", T0.plusSeconds(3))).isTrue();
    assertThat(status.state()).isEqualTo(HealthState.UNHEALTHY);
    assertThat(status.reason()).isEqualTo("timeout after 3s");
    assertThat(status.report("10.0.0.1", 80).since()).isEqualTo(T0.plusSeconds(3));
  }

  @Test
  void aNewReasonForAnUnhealthyMemberIsNews() {
    HealthStatus status = HealthStatus.checked(3, 1, T0);
    status.recordFailure("connection refused", T0);
    assertThat(status.recordFailure("connection refused", T0.plusSeconds(1))).isFalse();
    assertThat(status.recordFailure("HTTP 503", T0.plusSeconds(2))).isTrue();
    assertThat(status.reason()).isEqualTo("HTTP 503");
    assertThat(status.report("10.0.0.1", 80).since()).isEqualTo(T0);
  }

  @Test
  void aSuccessBreaksTheRun() {
    HealthStatus status = HealthStatus.checked(1, 2, T0);
    status.recordSuccess(T0);
    status.recordFailure("HTTP 500", T0);
    status.recordSuccess(T0);
    assertThat(status.recordFailure("HTTP 500", T0)).isFalse();
    assertThat(status.state()).isEqualTo(HealthState.HEALTHY);
  }

  @Test
  void recoversAfterThresholdSuccessesAndForgetsTheReason() {
    HealthStatus status = HealthStatus.checked(2, 1, T0);
    status.recordFailure("connection refused", T0);
    assertThat(status.recordSuccess(T0.plusSeconds(1))).isFalse();
    assertThat(status.state()).isEqualTo(HealthState.UNHEALTHY);
    assertThat(status.reason()).isEqualTo("connection refused");
    assertThat(status.recordSuccess(T0.plusSeconds(2))).isTrue();
    assertThat(status.state()).isEqualTo(HealthState.HEALTHY);
    assertThat(status.reason()).isNull();
  }

  @Test
  void unmonitoredMembersStayUnmonitored() {
    HealthStatus status = HealthStatus.unmonitored(T0);
    assertThat(status.state()).isEqualTo(HealthState.UNMONITORED);
    assertThat(status.report("::1", 9).state()).isEqualTo(HealthState.UNMONITORED);
  }
}
