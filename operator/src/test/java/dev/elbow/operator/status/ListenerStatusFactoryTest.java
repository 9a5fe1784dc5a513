package dev.elbow.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.ListenerSpec;
import dev.elbow.api.v1alpha1.ListenerStatus;
import dev.elbow.operator.translate.Verdict;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ListenerStatusFactoryTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  private static Listener listener() {
    Listener listener = new Listener();
    listener.setMetadata(
        new ObjectMetaBuilder().withNamespace("ns").withName("web").withGeneration(2L).build());
    listener.setSpec(new ListenerSpec(ListenerProtocol.HTTP, 8080, "web"));
    return listener;
  }

  private static Condition ready(ListenerStatus status) {
    return status.getConditions().stream()
        .filter(c -> c.getType().equals("Ready"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void readyWhenServedWithMembersInService() {
    ListenerStatus status =
        ListenerStatusFactory.build(
            listener(), Verdict.accepted("forwards"), Programming.programmed(), 2, NOW);
    assertThat(status.getObservedGeneration()).isEqualTo(2);
    assertThat(ready(status).getStatus()).isEqualTo("True");
    assertThat(ready(status).getMessage()).isEqualTo("serving port 8080 on every data plane");
  }

  @Test
  void notReadyWhileItsGroupHasNoMemberInService() {
    ListenerStatus status =
        ListenerStatusFactory.build(
            listener(), Verdict.accepted("forwards"), Programming.programmed(), 0, NOW);
    assertThat(ready(status).getReason()).isEqualTo("NoHealthyMembers");
    assertThat(ready(status).getMessage()).contains("BackendServerGroup web");
  }

  @Test
  void refusedListenersSayWhy() {
    ListenerStatus status =
        ListenerStatusFactory.build(
            listener(),
            Verdict.rejected("GroupNotFound", "spec.backendGroup: no BackendServerGroup \"web\""),
            Programming.programmed(),
            0,
            NOW);
    Condition accepted = status.getConditions().get(0);
    assertThat(accepted.getType()).isEqualTo("Accepted");
    assertThat(accepted.getStatus()).isEqualTo("False");
    assertThat(accepted.getReason()).isEqualTo("GroupNotFound");
    assertThat(ready(status).getReason()).isEqualTo("NotAccepted");
  }

  @Test
  void aPortTheDataPlaneRefusedIsNotReady() {
    ListenerStatus status =
        ListenerStatusFactory.build(
            listener(),
            Verdict.accepted("forwards"),
            new Programming(Programming.State.REJECTED, "the data plane refused it: cannot listen"),
            2,
            NOW);
    assertThat(ready(status).getReason()).isEqualTo("Rejected");
  }
}
