package dev.elbow.operator.translate;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.ServiceMember;
import dev.elbow.snapshot.MemberConfig;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Resolves a group's {@code serviceMembers} to members through the Services' EndpointSlices, as a
 * kube-proxy would: a ready endpoint takes traffic, a terminating one drains (no new traffic, open
 * connections until the deregistration delay), one neither ready nor terminating (a pod starting
 * up) is left out, unless its pod waits only for Elbow's {@link ReadinessGate}. Pure, like the rest
 * of translation.
 */
public final class ServiceMembers {

  /** The members, or why they cannot be resolved. */
  public record Resolved(List<MemberConfig> members, Verdict problem) {}

  private ServiceMembers() {}

  static Resolved resolve(BackendServerGroup group, References references) {
    List<ServiceMember> sources =
        Objects.requireNonNullElse(group.getSpec().getServiceMembers(), List.of());
    String namespace = group.getMetadata().getNamespace();
    Map<String, MemberConfig> members = new LinkedHashMap<>();
    for (int i = 0; i < sources.size(); i++) {
      ServiceMember source = sources.get(i);
      String at = "spec.serviceMembers[" + i + "]";
      ResourceKey key = new ResourceKey(namespace, source.getService());
      Service service = references.service(key);
      if (service == null) {
        return problem(
            "ServiceNotFound",
            at + ".service: no Service \"" + source.getService() + "\" in namespace " + namespace);
      }
      ServicePort port = portOf(service, source.getPort());
      if (port == null) {
        return problem(
            "ServicePortNotFound",
            at
                + ".port: Service \""
                + source.getService()
                + "\" has no port "
                + describe(source.getPort())
                + "; it has "
                + ports(service));
      }
      int weight = Objects.requireNonNullElse(source.getWeight(), 1);
      addAll(members, key, port, weight, references);
    }
    return new Resolved(new ArrayList<>(members.values()), null);
  }

  /**
   * The ready (and draining) endpoints of one port of a Service, each of weight 1: a Gateway API
   * route's backendRef to a Service.
   *
   * @param at where the reference is, for the message when there is no such Service or port
   */
  public static Resolved ofServicePort(
      ResourceKey service, int portNumber, String at, References references) {
    Service found = references.service(service);
    if (found == null) {
      return problem(
          "BackendNotFound",
          at + ": no Service \"" + service.name() + "\" in namespace " + service.namespace());
    }
    ServicePort port = portOf(found, new IntOrString(portNumber));
    if (port == null) {
      return problem(
          "BackendNotFound",
          at
              + ".port: Service \""
              + service.name()
              + "\" has no port "
              + portNumber
              + "; it has "
              + ports(found));
    }
    Map<String, MemberConfig> members = new LinkedHashMap<>();
    addAll(members, service, port, 1, references);
    return new Resolved(new ArrayList<>(members.values()), null);
  }

  /** The port of a Service a reference names, or null. */
  public static ServicePort port(Service service, int number) {
    return portOf(service, new IntOrString(number));
  }

  private static void addAll(
      Map<String, MemberConfig> members,
      ResourceKey service,
      ServicePort port,
      int weight,
      References references) {
    List<Pod> pods = references.pods(service.namespace());
    for (EndpointSlice slice : references.endpointSlices(service)) {
      add(members, slice, port, weight, "service/" + service.name(), pods);
    }
  }

  private static void add(
      Map<String, MemberConfig> members,
      EndpointSlice slice,
      ServicePort servicePort,
      int weight,
      String source,
      List<Pod> pods) {
    if ("FQDN".equals(slice.getAddressType()) || slice.getEndpoints() == null) {
      return;
    }
    Integer target = targetPort(slice, servicePort);
    if (target == null) {
      return;
    }
    for (Endpoint endpoint : slice.getEndpoints()) {
      if (endpoint.getAddresses() == null || endpoint.getAddresses().isEmpty()) {
        continue;
      }
      EndpointConditions conditions = endpoint.getConditions();
      // Unset conditions mean ready and not terminating (discovery.k8s.io/v1).
      boolean terminating = conditions != null && Boolean.TRUE.equals(conditions.getTerminating());
      boolean ready = conditions == null || conditions.getReady() == null || conditions.getReady();
      if (!ready && !terminating && !ReadinessGate.waitsForUs(podOf(endpoint, pods))) {
        continue; // starting up: not yet a member
      }
      MemberConfig member =
          new MemberConfig(endpoint.getAddresses().get(0), target, weight, source, terminating);
      // During an EndpointSlice migration an endpoint can be in two slices: serving wins.
      members.merge(member.endpoint(), member, (a, b) -> a.draining() ? b : a);
    }
  }

  /** The pod an endpoint stands for (its targetRef), or null. */
  private static Pod podOf(Endpoint endpoint, List<Pod> pods) {
    if (endpoint.getTargetRef() == null || !"Pod".equals(endpoint.getTargetRef().getKind())) {
      return null;
    }
    String name = endpoint.getTargetRef().getName();
    return pods.stream()
        .filter(p -> p.getMetadata().getName().equals(name))
        .findFirst()
        .orElse(null);
  }

  /** The Service's port the source names, by name or by number. */
  private static ServicePort portOf(Service service, IntOrString wanted) {
    if (service.getSpec() == null || service.getSpec().getPorts() == null || wanted == null) {
      return null;
    }
    for (ServicePort port : service.getSpec().getPorts()) {
      boolean match =
          wanted.getStrVal() != null
              ? wanted.getStrVal().equals(port.getName())
              : Objects.equals(wanted.getIntVal(), port.getPort());
      if (match) {
        return port;
      }
    }
    return null;
  }

  /** The slice's port for the Service port: same name (both unnamed for a single-port Service). */
  private static Integer targetPort(EndpointSlice slice, ServicePort servicePort) {
    if (slice.getPorts() == null) {
      return null;
    }
    String name = Objects.requireNonNullElse(servicePort.getName(), "");
    for (EndpointPort port : slice.getPorts()) {
      if (name.equals(Objects.requireNonNullElse(port.getName(), ""))) {
        return port.getPort();
      }
    }
    return null;
  }

  private static String describe(IntOrString port) {
    return port == null
        ? "(none given)"
        : port.getStrVal() != null ? "named " + port.getStrVal() : String.valueOf(port.getIntVal());
  }

  private static String ports(Service service) {
    if (service.getSpec() == null || service.getSpec().getPorts() == null) {
      return "none";
    }
    return String.join(
        ", ",
        service.getSpec().getPorts().stream()
            .map(
                p ->
                    (p.getName() == null || p.getName().isEmpty() ? "" : p.getName() + " ")
                        + p.getPort())
            .toList());
  }

  private static Resolved problem(String reason, String message) {
    return new Resolved(List.of(), Verdict.rejected(reason, message));
  }
}
