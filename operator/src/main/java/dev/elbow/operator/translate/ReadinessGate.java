package dev.elbow.operator.translate;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import java.util.List;
import java.util.Objects;

/**
 * The pod readiness gate, as the AWS Load Balancer Controller has one: a pod that lists {@value
 * #CONDITION} in {@code spec.readinessGates} is only Ready once the operator has set that condition
 * True, which it does when every data plane finds the pod's member healthy. A rolling update then
 * waits for the load balancer, not only for the pod's own probes.
 *
 * <p>Such a pod is not Ready while it waits, so its endpoint is not ready either; it is taken as a
 * member all the same once its containers are ready, or it could never be checked.
 */
public final class ReadinessGate {

  /** The condition type a pod lists in its readinessGates. */
  public static final String CONDITION = "elbow.dev/load-balancer-healthy";

  private ReadinessGate() {}

  /** Whether the pod declares the gate. */
  public static boolean declares(Pod pod) {
    return pod.getSpec() != null
        && Objects.requireNonNullElse(
                pod.getSpec().getReadinessGates(), List.<PodReadinessGate>of())
            .stream()
            .anyMatch(g -> CONDITION.equals(g.getConditionType()));
  }

  /** Whether a pod waiting only for this gate should be a member: gated, containers ready. */
  static boolean waitsForUs(Pod pod) {
    return pod != null && declares(pod) && "True".equals(condition(pod, "ContainersReady"));
  }

  /** The status of a pod condition, or null when the pod has none of that type. */
  public static String condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition condition : pod.getStatus().getConditions()) {
      if (type.equals(condition.getType())) {
        return condition.getStatus();
      }
    }
    return null;
  }
}
