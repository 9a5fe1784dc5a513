package dev.elbow.operator.translate.gateway;

import dev.elbow.operator.translate.ResourceKey;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.ListenerConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.List;
import java.util.Map;

/**
 * What the Gateway API objects add to the snapshot, and the status of each one Elbow owns.
 *
 * @param listeners one per port of each Elbow Gateway, named {@code namespace/gateway:port}, with
 *     no group of their own: what no route takes is answered 404
 * @param groups one per Service port a route forwards to, named {@code service:namespace/name:port}
 * @param classes the Accepted condition of each GatewayClass whose controllerName is Elbow's
 * @param gateways the status of each Gateway of those classes
 * @param httpRoutes for each HTTPRoute, the status under each of its parentRefs that names an Elbow
 *     Gateway (parents of other implementations are theirs to report)
 */
public record GatewayTranslation(
    List<ListenerConfig> listeners,
    List<GroupConfig> groups,
    Map<String, GatewayCondition> classes,
    Map<ResourceKey, GatewayResult> gateways,
    Map<ResourceKey, List<RouteParentResult>> httpRoutes) {

  /** No Gateway API objects of Elbow's. */
  public static final GatewayTranslation NONE =
      new GatewayTranslation(List.of(), List.of(), Map.of(), Map.of(), Map.of());

  public GatewayTranslation {
    listeners = List.copyOf(listeners);
    groups = List.copyOf(groups);
    classes = Map.copyOf(classes);
    gateways = Map.copyOf(gateways);
    httpRoutes = Map.copyOf(httpRoutes);
  }

  /** A Gateway's conditions and those of each of its listeners, in spec order. */
  public record GatewayResult(List<GatewayCondition> conditions, List<ListenerResult> listeners) {}

  /**
   * @param name the listener's name in the Gateway's spec
   * @param attachedRoutes the routes attached to it
   * @param supportedKinds the route kinds it takes (HTTPRoute)
   */
  public record ListenerResult(
      String name,
      int attachedRoutes,
      List<String> supportedKinds,
      List<GatewayCondition> conditions) {}

  /** The status of a route under one of its parents: Accepted and ResolvedRefs. */
  public record RouteParentResult(ParentReference parentRef, List<GatewayCondition> conditions) {}
}
