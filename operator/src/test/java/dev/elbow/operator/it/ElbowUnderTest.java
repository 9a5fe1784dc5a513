package dev.elbow.operator.it;

import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.operator.ElbowOperator;
import dev.elbow.operator.push.StaticDataPlaneEndpoints;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Set;

/**
 * An operator watching a fresh namespace of the shared API server and pushing to one data plane on
 * loopback: what most end-to-end tests start with.
 */
final class ElbowUnderTest implements AutoCloseable {

  final KubernetesClient kube;
  final String namespace;
  final TestDataPlane dataPlane;
  final ElbowOperator operator;

  private ElbowUnderTest(String namespacePrefix) {
    kube = KubeCluster.client();
    namespace = KubeCluster.newNamespace(namespacePrefix);
    dataPlane = TestDataPlane.start();
    operator =
        ElbowOperator.start(
            kube,
            new StaticDataPlaneEndpoints(Set.of(dataPlane.adminUri())),
            TestDataPlane.TOKEN,
            Set.of(namespace));
  }

  static ElbowUnderTest start(String namespacePrefix) {
    return new ElbowUnderTest(namespacePrefix);
  }

  @Override
  public void close() {
    operator.close();
    dataPlane.close();
  }
}
