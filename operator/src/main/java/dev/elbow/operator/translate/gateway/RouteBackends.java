package dev.elbow.operator.translate.gateway;

import dev.elbow.operator.translate.References;
import dev.elbow.operator.translate.ResourceKey;
import dev.elbow.operator.translate.ServiceMembers;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.HttpRule;
import dev.elbow.snapshot.ProtocolVersion;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Resolves a route's backendRefs to snapshot groups. A Service port becomes a group of its own
 * (round robin over its ready endpoints, no active health check: Kubernetes' readiness is the
 * check, as for any Gateway API implementation), named {@code service:namespace/name:port}; a
 * BackendServerGroup is its own group, with its algorithm, health checks, stickiness and slow
 * start. Anything else, a missing target, or a reference to another namespace without a
 * ReferenceGrant is a {@code ResolvedRefs} problem naming the field.
 */
final class RouteBackends {

  /** The groups a rule forwards to, and the first problem with its references, if any. */
  record Resolved(List<HttpRule.WeightedGroup> groups, GatewayCondition problem) {}

  private final References references;
  private final Function<ResourceKey, GroupConfig> elbowGroups;
  private final ReferenceGrants grants;
  // Service groups made so far, by name; sorted, so the snapshot is the same for the same input.
  private final Map<String, GroupConfig> serviceGroups = new TreeMap<>();

  /**
   * @param elbowGroups the accepted BackendServerGroups, as translated, by key; null if none
   */
  RouteBackends(
      References references,
      Function<ResourceKey, GroupConfig> elbowGroups,
      ReferenceGrants grants) {
    this.references = references;
    this.elbowGroups = elbowGroups;
    this.grants = grants;
  }

  /** The groups made for Service backends, in name order. */
  List<GroupConfig> serviceGroups() {
    return new ArrayList<>(serviceGroups.values());
  }

  /**
   * @param at where the rule's backendRefs are, e.g. {@code spec.rules[0].backendRefs}
   */
  Resolved resolve(String routeNamespace, List<HTTPBackendRef> refs, String at) {
    List<HttpRule.WeightedGroup> groups = new ArrayList<>();
    GatewayCondition problem = null;
    for (int b = 0; b < refs.size(); b++) {
      HTTPBackendRef ref = refs.get(b);
      String here = at + "[" + b + "]";
      String group = Objects.requireNonNullElse(ref.getGroup(), "");
      String kind = Objects.requireNonNullElse(ref.getKind(), GatewayApi.SERVICE);
      String namespace = Objects.requireNonNullElse(ref.getNamespace(), routeNamespace);
      int weight = Objects.requireNonNullElse(ref.getWeight(), 1);
      GatewayCondition wrong;
      String name = null;
      if (!grants.allows(
          GatewayApi.GROUP,
          GatewayApi.HTTP_ROUTE,
          routeNamespace,
          group,
          kind,
          namespace,
          ref.getName())) {
        wrong =
            refused(
                "RefNotPermitted",
                here
                    + ".namespace: "
                    + kind
                    + " \""
                    + ref.getName()
                    + "\" is in namespace "
                    + namespace
                    + "; a ReferenceGrant there must allow HTTPRoutes from "
                    + routeNamespace);
      } else if (group.isEmpty() && kind.equals(GatewayApi.SERVICE)) {
        Target target =
            serviceGroup(new ResourceKey(namespace, ref.getName()), ref.getPort(), here);
        name = target.group();
        wrong = target.problem();
      } else if (group.equals(GatewayApi.ELBOW_GROUP)
          && kind.equals(GatewayApi.BACKEND_SERVER_GROUP)) {
        ResourceKey key = new ResourceKey(namespace, ref.getName());
        if (elbowGroups.apply(key) == null) {
          wrong =
              refused(
                  "BackendNotFound",
                  here
                      + ": no accepted BackendServerGroup \""
                      + ref.getName()
                      + "\" in namespace "
                      + namespace
                      + "; see that group's status");
        } else {
          name = key.toString();
          wrong = null;
        }
      } else {
        wrong =
            refused(
                "InvalidKind",
                here
                    + ": Elbow forwards to a core Service or an elbow.dev BackendServerGroup, not "
                    + (group.isEmpty() ? "" : group + "/")
                    + kind);
      }
      if (wrong != null) {
        problem = problem == null ? wrong : problem;
      } else {
        groups.add(new HttpRule.WeightedGroup(name, weight));
      }
    }
    return new Resolved(groups, problem);
  }

  /** A group's name, or the problem that left it out. */
  private record Target(String group, GatewayCondition problem) {}

  /** The group for a Service port, made on first use. */
  private Target serviceGroup(ResourceKey service, Integer port, String at) {
    if (port == null) {
      return new Target(
          null,
          refused("UnsupportedValue", at + ".port: a Service backend needs the port to send to"));
    }
    String name = "service:" + service + ":" + port;
    if (serviceGroups.containsKey(name)) {
      return new Target(name, null);
    }
    ServiceMembers.Resolved members = ServiceMembers.ofServicePort(service, port, at, references);
    if (members.problem() != null) {
      return new Target(null, refused(members.problem().reason(), members.problem().message()));
    }
    Service found = references.service(service);
    ServicePort servicePort = ServiceMembers.port(found, port);
    // appProtocol kubernetes.io/h2c: the members speak HTTP/2 without TLS (Gateway API's GEP-1911).
    boolean h2c = "kubernetes.io/h2c".equals(servicePort.getAppProtocol());
    serviceGroups.put(
        name,
        new GroupConfig(
            name,
            BackendProtocol.HTTP,
            Algorithm.ROUND_ROBIN,
            members.members(),
            HealthCheckConfig.DISABLED,
            null,
            null,
            null,
            null,
            SERVICE_DEREGISTRATION_DELAY_SECONDS,
            null,
            null,
            h2c ? ProtocolVersion.HTTP2 : null));
    return new Target(name, null);
  }

  /**
   * How long an endpoint that leaves a Service (its pod terminating) keeps its open connections:
   * Kubernetes' default termination grace period, by which the pod is gone anyway.
   */
  static final int SERVICE_DEREGISTRATION_DELAY_SECONDS = 30;

  private static GatewayCondition refused(String reason, String message) {
    return GatewayCondition.no(GatewayApi.RESOLVED_REFS, reason, message);
  }
}
