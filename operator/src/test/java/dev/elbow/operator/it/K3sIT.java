package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.condition;
import static dev.elbow.operator.it.Resources.group;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.operator.ElbowOperator;
import dev.elbow.operator.push.StaticDataPlaneEndpoints;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same CRDs and operator on K3s, a real distribution, where a Docker engine is available (a
 * developer's machine). Skipped, with the reason, where there is none, as on the CI machines;
 * {@code -Delbow.it.cluster=k3s} runs every IT on K3s instead.
 */
@RequiresDocker
class K3sIT {

  private static K3sContainer k3s;
  private static KubernetesClient kube;

  @BeforeAll
  static void start() {
    k3s = new K3sContainer(DockerImageName.parse(KubeCluster.K3S_IMAGE));
    k3s.start();
    kube =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml()))
            .build();
    KubeCluster.installCrds(kube);
  }

  @AfterAll
  static void stop() {
    if (kube != null) {
      kube.close();
    }
    if (k3s != null) {
      k3s.stop();
    }
  }

  @Test
  void validatesAndReconcilesOnK3s() {
    kube.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("k3s").endMetadata().build())
        .create();
    BackendServerGroup bad =
        group("k3s", "bad", BackendProtocol.TCP, null, List.of(new Member("not-an-ip", 80, 1)));
    assertThatThrownBy(() -> kube.resource(bad).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.members[0].address");

    try (TestDataPlane dataPlane = TestDataPlane.start();
        ElbowOperator operator =
            ElbowOperator.start(
                kube,
                new StaticDataPlaneEndpoints(Set.of(dataPlane.adminUri())),
                TestDataPlane.TOKEN)) {
      kube.resource(
              group(
                  "k3s", "good", BackendProtocol.TCP, null, List.of(new Member("127.0.0.1", 9, 1))))
          .create();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                BackendServerGroup good =
                    kube.resources(BackendServerGroup.class)
                        .inNamespace("k3s")
                        .withName("good")
                        .get();
                assertThat(good.getStatus()).isNotNull();
                assertThat(
                        condition(good.getStatus().getConditions(), "Accepted")
                            .orElseThrow()
                            .getStatus())
                    .isEqualTo("True");
              });
    }
  }
}
