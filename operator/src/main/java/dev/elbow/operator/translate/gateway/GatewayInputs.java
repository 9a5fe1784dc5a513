package dev.elbow.operator.translate.gateway;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Gateway API objects translation reads, beside Elbow's own kinds and the {@code References}.
 *
 * @param classes every GatewayClass; only those whose controllerName is Elbow's count
 * @param gateways every Gateway; only those of Elbow's classes count
 * @param httpRoutes every HTTPRoute
 * @param referenceGrants every ReferenceGrant
 * @param namespaceLabels the labels of a namespace (for {@code allowedRoutes.namespaces.selector}),
 *     or an empty map
 */
public record GatewayInputs(
    List<GatewayClass> classes,
    List<Gateway> gateways,
    List<HTTPRoute> httpRoutes,
    List<ReferenceGrant> referenceGrants,
    Function<String, Map<String, String>> namespaceLabels) {

  /** No Gateway API objects at all. */
  public static final GatewayInputs NONE =
      new GatewayInputs(List.of(), List.of(), List.of(), List.of(), n -> Map.of());

  public GatewayInputs {
    classes = List.copyOf(classes);
    gateways = List.copyOf(gateways);
    httpRoutes = List.copyOf(httpRoutes);
    referenceGrants = List.copyOf(referenceGrants);
  }
}
