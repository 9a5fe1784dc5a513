package dev.elbow.operator.expose;

import java.util.Map;

/**
 * How the data planes' traffic Service should look, apart from its ports, which follow the
 * Listeners.
 *
 * @param name the Service's name, in the namespace of the data planes' admin Service
 * @param type LoadBalancer, NodePort or ClusterIP
 * @param annotations annotations to set, e.g. for a cloud load balancer controller
 * @param externalTrafficPolicy Cluster or Local; ignored for ClusterIP, where it does not apply
 */
public record TrafficServiceSpec(
    String name, String type, Map<String, String> annotations, String externalTrafficPolicy) {

  public TrafficServiceSpec {
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    type = type == null || type.isBlank() ? "LoadBalancer" : type;
    externalTrafficPolicy =
        externalTrafficPolicy == null || externalTrafficPolicy.isBlank()
            ? "Cluster"
            : externalTrafficPolicy;
    if (!type.equals("LoadBalancer") && !type.equals("NodePort") && !type.equals("ClusterIP")) {
      throw new IllegalArgumentException(
          "ELBOW_TRAFFIC_SERVICE_TYPE must be LoadBalancer, NodePort or ClusterIP, was " + type);
    }
    if (!externalTrafficPolicy.equals("Cluster") && !externalTrafficPolicy.equals("Local")) {
      throw new IllegalArgumentException(
          "ELBOW_TRAFFIC_SERVICE_EXTERNAL_TRAFFIC_POLICY must be Cluster or Local, was "
              + externalTrafficPolicy);
    }
  }
}
