package dev.elbow.operator.translate.gateway;

/** Names Gateway API gives, and the ones Elbow answers to. */
public final class GatewayApi {

  /** The {@code spec.controllerName} of the GatewayClasses Elbow implements. */
  public static final String CONTROLLER_NAME = "elbow.dev/gateway-controller";

  /** Gateway API's API group. */
  public static final String GROUP = "gateway.networking.k8s.io";

  /** The API group of Elbow's own kinds, BackendServerGroup among them. */
  public static final String ELBOW_GROUP = "elbow.dev";

  public static final String GATEWAY = "Gateway";
  public static final String HTTP_ROUTE = "HTTPRoute";
  public static final String SERVICE = "Service";
  public static final String SECRET = "Secret";
  public static final String BACKEND_SERVER_GROUP = "BackendServerGroup";

  // Condition types and reasons, as the Gateway API spec spells them.
  public static final String ACCEPTED = "Accepted";
  public static final String PROGRAMMED = "Programmed";
  public static final String RESOLVED_REFS = "ResolvedRefs";
  public static final String CONFLICTED = "Conflicted";

  private GatewayApi() {}

  /** The group a reference names, with the empty group (the core API) when it names none. */
  static String groupOr(String group, String fallback) {
    return group == null ? fallback : group;
  }
}
