package dev.elbow.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00.123Z");
  private static final Instant T1 = Instant.parse("2026-11-25T11:00:00Z");

  @Test
  void aNewConditionStartsNowToTheSecond() {
    Condition ready = Conditions.of(null, "Ready", true, "Ready", "fine", 3, T0);
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-25T10:00:00Z");
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getObservedGeneration()).isEqualTo(3);
  }

  @Test
  void transitionTimeStaysWhileTheStatusDoes() {
    Condition before = Conditions.of(null, "Ready", false, "Pending", "waiting", 1, T0);
    Condition after =
        Conditions.of(List.of(before), "Ready", false, "NoHealthyMembers", "all down", 2, T1);
    assertThat(after.getLastTransitionTime()).isEqualTo(before.getLastTransitionTime());
    assertThat(after.getReason()).isEqualTo("NoHealthyMembers");
    assertThat(after.getObservedGeneration()).isEqualTo(2);
  }

  @Test
  void transitionTimeMovesWhenTheStatusFlips() {
    Condition before = Conditions.of(null, "Ready", false, "Pending", "waiting", 1, T0);
    Condition after = Conditions.of(List.of(before), "Ready", true, "Ready", "fine", 1, T1);
    assertThat(after.getLastTransitionTime()).isEqualTo("2026-11-25T11:00:00Z");
  }

  @Test
  void otherConditionTypesDoNotLendTheirTimes() {
    Condition accepted = Conditions.of(null, "Accepted", true, "Accepted", "ok", 1, T0);
    Condition ready = Conditions.of(List.of(accepted), "Ready", true, "Ready", "fine", 1, T1);
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-25T11:00:00Z");
  }
}
