package dev.elbow.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.BackendServerGroupSpec;
import dev.elbow.api.v1alpha1.BackendServerGroupStatus;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.api.v1alpha1.MemberStatus;
import dev.elbow.operator.translate.Verdict;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.MemberConfig;
import dev.elbow.snapshot.MemberHealth;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupStatusFactoryTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  private static BackendServerGroup group() {
    BackendServerGroup group = new BackendServerGroup();
    group.setMetadata(
        new ObjectMetaBuilder().withNamespace("ns").withName("web").withGeneration(5L).build());
    BackendServerGroupSpec spec = new BackendServerGroupSpec();
    spec.setProtocol(BackendProtocol.HTTP);
    spec.setMembers(
        List.of(
            new Member("10.0.0.1", 80, 1),
            new Member("10.0.0.2", 80, 1),
            new Member("10.0.0.3", 80, 0)));
    group.setSpec(spec);
    return group;
  }

  /** A member listed by address, as status reports it. */
  private static MemberStatus listed(String address, int weight, String health, String reason) {
    MemberStatus member = new MemberStatus(address, 80, health, reason, "2026-11-25T10:00:00Z");
    member.setSource("ip");
    member.setWeight(weight);
    return member;
  }

  private static Condition condition(BackendServerGroupStatus status, String type) {
    return status.getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void reportsEachMembersHealthAndCountsThoseInService() {
    Map<String, MemberHealth> health =
        Map.of(
            "10.0.0.1:80", new MemberHealth("10.0.0.1", 80, HealthState.HEALTHY, null, NOW),
            "10.0.0.2:80", new MemberHealth("10.0.0.2", 80, HealthState.UNHEALTHY, "HTTP 503", NOW),
            "10.0.0.3:80", new MemberHealth("10.0.0.3", 80, HealthState.HEALTHY, null, NOW));

    BackendServerGroupStatus status =
        GroupStatusFactory.build(
            group(),
            Verdict.accepted("3 members"),
            Programming.programmed(),
            null,
            health,
            List.of(),
            NOW);

    assertThat(status.getObservedGeneration()).isEqualTo(5);
    assertThat(status.getMembers())
        .containsExactly(
            listed("10.0.0.1", 1, "Healthy", null),
            listed("10.0.0.2", 1, "Unhealthy", "HTTP 503"),
            listed("10.0.0.3", 0, "Healthy", null));
    // The weight-0 member is healthy but takes no traffic.
    assertThat(status.getHealthy()).isEqualTo("1/3");
    assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(status, "Ready").getMessage()).isEqualTo("1 of 3 members take traffic");
  }

  @Test
  void showsAnEjectionAndWhenItEnds() {
    Instant until = Instant.parse("2026-11-25T10:00:30.250Z");
    Map<String, MemberHealth> health =
        Map.of(
            "10.0.0.1:80",
            new MemberHealth(
                "10.0.0.1",
                80,
                HealthState.UNHEALTHY,
                "ejected by passive health: 5 failures in a row, the last: connection reset",
                NOW,
                null,
                until));
    BackendServerGroupStatus status =
        GroupStatusFactory.build(
            group(),
            Verdict.accepted("3 members"),
            Programming.programmed(),
            null,
            health,
            List.of(),
            NOW);
    MemberStatus ejected = status.getMembers().get(0);
    assertThat(ejected.getHealth()).isEqualTo("Unhealthy");
    assertThat(ejected.getReason()).startsWith("ejected by passive health: 5 failures in a row");
    assertThat(ejected.getEjectedUntil()).isEqualTo("2026-11-25T10:00:30Z");
    assertThat(status.getMembers().get(1).getEjectedUntil()).isNull();
  }

  @Test
  void isNotReadyWithoutAMemberInServiceAndSaysWhy() {
    Map<String, MemberHealth> health =
        Map.of(
            "10.0.0.1:80",
            new MemberHealth("10.0.0.1", 80, HealthState.UNHEALTHY, "connection refused", NOW));
    BackendServerGroupStatus status =
        GroupStatusFactory.build(
            group(),
            Verdict.accepted("3 members"),
            Programming.programmed(),
            null,
            health,
            List.of(),
            NOW);
    Condition ready = condition(status, "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("NoHealthyMembers");
    assertThat(ready.getMessage())
        .startsWith(
            "no member takes traffic: 10.0.0.1:80 Unhealthy (connection refused), 10.0.0.2:80 Unknown (not checked yet)");
  }

  @Test
  void notAcceptedMeansNotReady() {
    BackendServerGroupStatus status =
        GroupStatusFactory.build(
            group(),
            Verdict.rejected("InvalidSpec", "spec.protocol: ..."),
            Programming.programmed(),
            null,
            Map.of(),
            List.of(),
            NOW);
    assertThat(condition(status, "Accepted").getStatus()).isEqualTo("False");
    assertThat(condition(status, "Accepted").getReason()).isEqualTo("InvalidSpec");
    assertThat(condition(status, "Ready").getReason()).isEqualTo("NotAccepted");
    assertThat(status.getMembers())
        .extracting(MemberStatus::getReason)
        .containsOnly("group not accepted");
  }

  @Test
  void waitsForTheDataPlanes() {
    BackendServerGroupStatus status =
        GroupStatusFactory.build(
            group(),
            Verdict.accepted("3 members"),
            new Programming(
                Programming.State.PENDING, "waiting for the data planes to apply snapshot 9"),
            null,
            Map.of(),
            List.of(),
            NOW);
    assertThat(condition(status, "Ready").getReason()).isEqualTo("Pending");
    assertThat(condition(status, "Ready").getMessage()).contains("snapshot 9");
  }

  @Test
  void showsDrainingMembersSlowStartWeightsAndWhatBlocksADeletion() {
    Map<String, MemberHealth> health =
        Map.of(
            "10.0.0.1:80", new MemberHealth("10.0.0.1", 80, HealthState.HEALTHY, null, NOW, 4),
            "10.0.0.2:80", new MemberHealth("10.0.0.2", 80, HealthState.HEALTHY, null, NOW),
            "10.0.0.3:80", new MemberHealth("10.0.0.3", 80, HealthState.DRAINING, "weight 0", NOW));
    BackendServerGroupStatus status =
        GroupStatusFactory.build(
            group(),
            Verdict.accepted("3 members"),
            Programming.programmed(),
            null,
            health,
            List.of("shop", "shop-tls"),
            NOW);
    assertThat(status.getMembers())
        .extracting(MemberStatus::getHealth)
        .containsExactly("Healthy", "Healthy", "Draining");
    assertThat(status.getMembers())
        .extracting(MemberStatus::getEffectiveWeight)
        .containsExactly(4, null, null);
    assertThat(status.getHealthy()).isEqualTo("2/3");
    assertThat(condition(status, "DeletionBlocked").getReason()).isEqualTo("InUseByListener");
    assertThat(condition(status, "DeletionBlocked").getMessage()).contains("shop, shop-tls");
  }

  @Test
  void listsTheMembersAsTranslatedWithWhereEachCameFrom() {
    GroupConfig translated =
        new GroupConfig(
            "ns/web",
            dev.elbow.snapshot.BackendProtocol.HTTP,
            dev.elbow.snapshot.Algorithm.ROUND_ROBIN,
            List.of(
                new MemberConfig("10.0.0.1", 80, 1, "ip", false),
                new MemberConfig("10.1.0.7", 8080, 3, "service/web", false),
                new MemberConfig("10.1.0.8", 8080, 3, "service/web", true)),
            null);
    Map<String, MemberHealth> health =
        Map.of(
            "10.0.0.1:80", new MemberHealth("10.0.0.1", 80, HealthState.HEALTHY, null, NOW),
            "10.1.0.7:8080", new MemberHealth("10.1.0.7", 8080, HealthState.HEALTHY, null, NOW),
            "10.1.0.8:8080",
                new MemberHealth("10.1.0.8", 8080, HealthState.DRAINING, "terminating", NOW));
    BackendServerGroupStatus status =
        GroupStatusFactory.build(
            group(),
            Verdict.accepted("3 members"),
            Programming.programmed(),
            translated,
            health,
            Map.of("10.0.0.1:80", 2, "10.1.0.7:8080", 1),
            2,
            List.of(),
            NOW);
    assertThat(status.getMembers())
        .extracting(MemberStatus::getHealthyReplicas)
        .containsExactly("2/2", "1/2", "0/2");
    assertThat(status.getMembers())
        .extracting(MemberStatus::getAddress, MemberStatus::getSource, MemberStatus::getHealth)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("10.0.0.1", "ip", "Healthy"),
            org.assertj.core.groups.Tuple.tuple("10.1.0.7", "service/web", "Healthy"),
            org.assertj.core.groups.Tuple.tuple("10.1.0.8", "service/web", "Draining"));
    assertThat(status.getHealthy()).isEqualTo("2/3");
  }
}
