package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.check;
import static dev.elbow.operator.it.Resources.group;
import static dev.elbow.operator.it.Resources.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.MemberStatus;
import dev.elbow.api.v1alpha1.PodMember;
import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Members straight from pods by label, on the real API server: the test plays the kubelet (it
 * writes the pod's IP and Ready condition); deleting the pod leaves it terminating, as it is while
 * a kubelet lets it shut down, and the member drains. Health changes also show up as Events.
 */
class PodMembersIT {

  private static ElbowUnderTest elbow;
  private static KubernetesClient kube;
  private static String namespace;
  private static String podAddress;
  private static DemoBackend backend;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    podAddress = NonLoopbackAddress.find();
    elbow = ElbowUnderTest.start("pods");
    kube = elbow.kube;
    namespace = elbow.namespace;
    backend = DemoBackend.http("api-1", podAddress, 0);
    port = FreePorts.next();
  }

  @AfterAll
  static void stop() {
    if (elbow != null) {
      elbow.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  private static MemberStatus member() {
    BackendServerGroup group =
        kube.resources(BackendServerGroup.class).inNamespace(namespace).withName("api").get();
    return group.getStatus() == null || group.getStatus().getMembers() == null
        ? null
        : group.getStatus().getMembers().stream().findFirst().orElse(null);
  }

  @Test
  void readyPodsServeTerminatingPodsDrainAndHealthChangesBecomeEvents() throws Exception {
    Pod pod =
        kube.resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withNamespace(namespace)
                    .withName("api-1")
                    .addToLabels("app", "api")
                    .endMetadata()
                    .withNewSpec()
                    // Bound to a node, so deleting it waits for that node's kubelet (there is
                    // none): the pod stays terminating, as during a graceful shutdown.
                    .withNodeName("node-1")
                    .addNewContainer()
                    .withName("api")
                    .withImage("example.test/api:1")
                    .addNewPort()
                    .withName("http")
                    .withContainerPort(backend.port())
                    .endPort()
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
    pod.setStatus(
        new io.fabric8.kubernetes.api.model.PodStatusBuilder()
            .withPodIP(podAddress)
            .withPhase("Running")
            .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
            .build());
    kube.resource(pod).updateStatus();

    BackendServerGroup api =
        group(namespace, "api", BackendProtocol.HTTP, check(2, 1, 1, 1, "/healthz"), List.of());
    PodMember source = new PodMember();
    source.setSelector(new LabelSelectorBuilder().addToMatchLabels("app", "api").build());
    source.setPort(new IntOrString("http"));
    api.getSpec().setPodMembers(List.of(source));
    kube.resource(api).create();
    kube.resource(listener(namespace, "api", ListenerProtocol.HTTP, port, "api")).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(member()).isNotNull();
              assertThat(member().getHealth()).isEqualTo("Healthy");
              assertThat(member().getSource()).isEqualTo("pod/api-1");
              assertThat(member().getHealthyReplicas()).isEqualTo("1/1");
            });
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.headers().firstValue("x-backend")).hasValue("api-1");

    // The backend stops answering: the member turns unhealthy, and an Event says so.
    backend.stop();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(kube.v1().events().inNamespace(namespace).list().getItems())
                    .filteredOn(e -> "MemberUnhealthy".equals(e.getReason()))
                    .extracting(Event::getMessage)
                    .anyMatch(
                        m -> m.startsWith(podAddress + ":" + backend.port() + " is Unhealthy")));
    backend.start();

    // Deleting the pod leaves it terminating (no kubelet finishes it): the member drains.
    kube.resource(pod).delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(member()).isNotNull();
              assertThat(member().getHealth()).isEqualTo("Draining");
            });
  }

  @Test
  void aPodWithTheReadinessGateIsCheckedBeforeItIsReadyAndMadeReadyOnceHealthy() throws Exception {
    // The pods of this test share the machine's one address: the other test's group goes first,
    // or its members would speak for this pod's IP too.
    kube.resources(dev.elbow.api.v1alpha1.Listener.class)
        .inNamespace(namespace)
        .withName("api")
        .delete();
    kube.resources(BackendServerGroup.class).inNamespace(namespace).withName("api").delete();
    DemoBackend gatedBackend = DemoBackend.http("gated-1", podAddress, 0);
    try {
      Pod pod =
          kube.resource(
                  new PodBuilder()
                      .withNewMetadata()
                      .withNamespace(namespace)
                      .withName("gated-1")
                      .addToLabels("app", "gated")
                      .endMetadata()
                      .withNewSpec()
                      .withNodeName("node-1")
                      .addNewReadinessGate()
                      .withConditionType("elbow.dev/load-balancer-healthy")
                      .endReadinessGate()
                      .addNewContainer()
                      .withName("app")
                      .withImage("example.test/app:1")
                      .endContainer()
                      .endSpec()
                      .build())
              .create();
      // Its containers are ready; the pod is not, waiting for the gate.
      pod.setStatus(
          new io.fabric8.kubernetes.api.model.PodStatusBuilder()
              .withPodIP(podAddress)
              .withPhase("Running")
              .withConditions(
                  new PodConditionBuilder().withType("ContainersReady").withStatus("True").build(),
                  new PodConditionBuilder().withType("Ready").withStatus("False").build())
              .build());
      kube.resource(pod).updateStatus();

      BackendServerGroup gated =
          group(namespace, "gated", BackendProtocol.HTTP, check(2, 1, 1, 1, "/healthz"), List.of());
      PodMember source = new PodMember();
      source.setSelector(new LabelSelectorBuilder().addToMatchLabels("app", "gated").build());
      source.setPort(new IntOrString(gatedBackend.port()));
      gated.getSpec().setPodMembers(List.of(source));
      kube.resource(gated).create();

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Pod now = kube.pods().inNamespace(namespace).withName("gated-1").get();
                assertThat(
                        dev.elbow.operator.translate.ReadinessGate.condition(
                            now, "elbow.dev/load-balancer-healthy"))
                    .isEqualTo("True");
              });
    } finally {
      gatedBackend.close();
    }
  }
}
