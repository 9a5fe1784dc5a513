package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.group;
import static dev.elbow.operator.it.Resources.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.HealthCheck;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.dataplane.testing.FreePorts;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Removal protection by the API server alone (the admission policy and the CRD's update rule that
 * ship in {@code crds/}), and the finalizer that keeps a group a Listener uses.
 */
class RemovalProtectionIT {

  private static ElbowUnderTest elbow;
  private static KubernetesClient kube;
  private static String namespace;

  @BeforeAll
  static void start() {
    elbow = ElbowUnderTest.start("protect");
    kube = elbow.kube;
    namespace = elbow.namespace;
  }

  @AfterAll
  static void stop() {
    if (elbow != null) {
      elbow.close();
    }
  }

  private static BackendServerGroup tcpGroup(String name, boolean protectedFromRemoval) {
    HealthCheck off = new HealthCheck();
    off.setEnabled(false);
    BackendServerGroup group =
        group(
            namespace,
            name,
            BackendProtocol.TCP,
            off,
            new ArrayList<>(
                List.of(new Member("10.0.0.1", 5432, 1), new Member("10.0.0.2", 5432, 1))));
    group.getSpec().setRemovalProtection(protectedFromRemoval);
    return group;
  }

  private static Resource<BackendServerGroup> named(String name) {
    return kube.resources(BackendServerGroup.class).inNamespace(namespace).withName(name);
  }

  @Test
  void aProtectedGroupCannotBeDeletedNorLoseMembersUntilProtectionIsOff() {
    kube.resource(tcpGroup("guarded", true)).create();

    // The policy is enforced a moment after it is installed; a dry run asks without deleting.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> named("guarded").dryRun().delete())
                    .isInstanceOf(KubernetesClientException.class));
    assertThatThrownBy(() -> named("guarded").delete())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("has removalProtection: true")
        .hasMessageContaining("set spec.removalProtection to false before deleting it");
    assertThat(named("guarded").get()).isNotNull();

    assertThatThrownBy(
            () ->
                Resources.editRetrying(
                    named("guarded"),
                    g -> {
                      g.getSpec().getMembers().remove(1);
                      return g;
                    }))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.members")
        .hasMessageContaining("removalProtection is on: members cannot be removed");
    // Adding a member and changing a weight are fine.
    Resources.editRetrying(
        named("guarded"),
        g -> {
          g.getSpec().getMembers().get(0).setWeight(5);
          g.getSpec().getMembers().add(new Member("10.0.0.3", 5432, 1));
          return g;
        });

    Resources.editRetrying(
        named("guarded"),
        g -> {
          g.getSpec().setRemovalProtection(false);
          return g;
        });
    Resources.editRetrying(
        named("guarded"),
        g -> {
          g.getSpec().getMembers().remove(2);
          return g;
        });
    assertThat(named("guarded").get().getSpec().getMembers()).hasSize(2);
    named("guarded").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> named("guarded").get() == null);
  }

  @Test
  void theMemberRuleStaysWithinTheApiServersCostLimitAtItsTwoHundredMemberBound() {
    BackendServerGroup big = tcpGroup("big", true);
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      members.add(new Member("10.1." + (i / 250) + "." + (i % 250 + 1), 5432, 1));
    }
    big.getSpec().setMembers(members);
    kube.resource(big).create();
    // An update that keeps every member is evaluated in full and accepted...
    Resources.editRetrying(
        named("big"),
        g -> {
          g.getSpec().getMembers().get(199).setWeight(7);
          return g;
        });
    // ...and one that drops the last member is refused by the rule, not by a cost limit.
    assertThatThrownBy(
            () ->
                Resources.editRetrying(
                    named("big"),
                    g -> {
                      g.getSpec().getMembers().remove(199);
                      return g;
                    }))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("removalProtection is on: members cannot be removed");
    // Past 200 members, protection is refused with a message that says why.
    BackendServerGroup bigger = tcpGroup("bigger", true);
    List<Member> more = new ArrayList<>(members);
    more.add(new Member("10.2.0.1", 5432, 1));
    bigger.getSpec().setMembers(more);
    assertThatThrownBy(() -> kube.resource(bigger).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("removalProtection covers groups of at most 200 members");
  }

  @Test
  void aGroupAListenerUsesWaitsForTheListenerBeforeItGoes() {
    kube.resource(tcpGroup("in-use", false)).create();
    kube.resource(listener(namespace, "db", ListenerProtocol.TCP, FreePorts.next(), "in-use"))
        .create();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> named("in-use").get().hasFinalizer("elbow.dev/in-use"));

    named("in-use").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              BackendServerGroup group = named("in-use").get();
              assertThat(group).isNotNull();
              assertThat(group.isMarkedForDeletion()).isTrue();
              assertThat(group.getStatus()).isNotNull();
              assertThat(group.getStatus().getConditions())
                  .filteredOn(c -> c.getType().equals("DeletionBlocked"))
                  .singleElement()
                  .extracting(Condition::getMessage)
                  .asString()
                  .contains("listener db still does");
            });

    kube.resources(dev.elbow.api.v1alpha1.Listener.class)
        .inNamespace(namespace)
        .withName("db")
        .delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> named("in-use").get() == null);

    // A group nobody uses has no finalizer: it goes at once.
    kube.resource(tcpGroup("unused", false)).create();
    assertThat(named("unused").get().getMetadata().getFinalizers()).isNullOrEmpty();
    named("unused").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> named("unused").get() == null);
  }
}
