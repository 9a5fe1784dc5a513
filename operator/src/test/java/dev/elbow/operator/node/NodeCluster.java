package dev.elbow.operator.node;

import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.testing.RawHttp;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** What the real-node scenarios ask of the cluster: apply, wait for roll-outs, count answers. */
final class NodeCluster {

  private final KubernetesClient kube;

  NodeCluster(KubernetesClient kube) {
    this.kube = kube;
  }

  void apply(String yaml) {
    kube.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).serverSideApply();
  }

  /** The node port of Service {@code namespace/name} for {@code port}, once it has one. */
  int nodePort(String namespace, String name, int port) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Service service = kube.services().inNamespace(namespace).withName(name).get();
              if (service == null) {
                return null;
              }
              return service.getSpec().getPorts().stream()
                  .filter(p -> p.getPort() == port && p.getNodePort() != null)
                  .map(ServicePort::getNodePort)
                  .findFirst()
                  .orElse(null);
            },
            p -> p != null);
  }

  void awaitAvailable(String namespace, String name, int replicas) {
    await()
        .atMost(Duration.ofSeconds(240))
        .until(
            () -> {
              Deployment d = kube.apps().deployments().inNamespace(namespace).withName(name).get();
              return d != null
                  && d.getStatus() != null
                  && d.getStatus().getAvailableReplicas() != null
                  && d.getStatus().getAvailableReplicas() >= replicas;
            });
  }

  /** Whether every replica of the Deployment runs its current template, and no other is left. */
  boolean rolledOut(String namespace, String name) {
    Deployment d = kube.apps().deployments().inNamespace(namespace).withName(name).get();
    var status = d.getStatus();
    return status != null
        && status.getObservedGeneration() != null
        && status.getObservedGeneration() >= d.getMetadata().getGeneration()
        && d.getSpec().getReplicas().equals(status.getUpdatedReplicas())
        && d.getSpec().getReplicas().equals(status.getAvailableReplicas())
        && d.getSpec().getReplicas().equals(status.getReplicas());
  }

  /** The pod's condition of this type, "True" or "False", or null when it has none. */
  static String condition(Pod pod, String type) {
    return pod.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .map(c -> c.getStatus())
        .findFirst()
        .orElse(null);
  }

  /** Answers per pod (its x-backend) among {@code requests} GETs to the node's port. */
  static Map<String, Integer> count(int port, int requests) {
    Map<String, Integer> seen = new TreeMap<>();
    for (int i = 0; i < requests; i++) {
      seen.merge(RawHttp.backendOf(RealNode.NODE_IP, port, "/"), 1, Integer::sum);
    }
    return seen;
  }

  /** Answers per Deployment: a pod "web-a-5b6cb79c87-wgz4n" counts for "web-a". */
  static Map<String, Integer> byDeployment(Map<String, Integer> byPod) {
    Map<String, Integer> out = new TreeMap<>();
    byPod.forEach((pod, n) -> out.merge(pod.substring(0, 5), n, Integer::sum));
    return out;
  }
}
