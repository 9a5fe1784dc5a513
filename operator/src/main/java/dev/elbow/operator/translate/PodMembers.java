package dev.elbow.operator.translate;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.PodMember;
import dev.elbow.snapshot.MemberConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Resolves a group's {@code podMembers}: the pods of its namespace matching each selector, by their
 * IP. A ready pod takes traffic, a terminating one (deletion begun) drains, one neither ready nor
 * terminating, or without an IP yet, is left out. Pure, like the rest of translation.
 */
final class PodMembers {

  private PodMembers() {}

  static List<MemberConfig> resolve(BackendServerGroup group, References references) {
    List<PodMember> sources =
        Objects.requireNonNullElse(group.getSpec().getPodMembers(), List.of());
    if (sources.isEmpty()) {
      return List.of();
    }
    List<Pod> pods = new ArrayList<>(references.pods(group.getMetadata().getNamespace()));
    pods.sort(Comparator.comparing(p -> p.getMetadata().getName())); // a stable order
    List<MemberConfig> members = new ArrayList<>();
    for (PodMember source : sources) {
      int weight = Objects.requireNonNullElse(source.getWeight(), 1);
      for (Pod pod : pods) {
        if (!LabelSelectors.matches(source.getSelector(), pod.getMetadata().getLabels())) {
          continue;
        }
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        Integer port = portOf(pod, source.getPort());
        boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
        if (ip == null
            || port == null
            || (!ready(pod) && !terminating && !ReadinessGate.waitsForUs(pod))) {
          continue;
        }
        members.add(
            new MemberConfig(ip, port, weight, "pod/" + pod.getMetadata().getName(), terminating));
      }
    }
    return members;
  }

  private static boolean ready(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return false;
    }
    for (PodCondition condition : pod.getStatus().getConditions()) {
      if ("Ready".equals(condition.getType())) {
        return "True".equals(condition.getStatus());
      }
    }
    return false;
  }

  /** The port by number, or the number of the container port with that name. */
  private static Integer portOf(Pod pod, IntOrString port) {
    if (port == null) {
      return null;
    }
    if (port.getStrVal() == null) {
      return port.getIntVal();
    }
    if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
      return null;
    }
    for (Container container : pod.getSpec().getContainers()) {
      for (ContainerPort containerPort :
          Objects.requireNonNullElse(container.getPorts(), List.<ContainerPort>of())) {
        if (port.getStrVal().equals(containerPort.getName())) {
          return containerPort.getContainerPort();
        }
      }
    }
    return null;
  }
}
