package dev.elbow.operator.translate.gateway;

import dev.elbow.operator.translate.LabelSelectors;
import dev.elbow.operator.translate.References;
import dev.elbow.operator.translate.ResourceKey;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HttpRule;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.TlsCertificate;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteNamespaces;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Translates the Gateway API objects of Elbow's GatewayClasses into snapshot listeners and groups,
 * and the status of each: the same kind of pure function as the translation of Elbow's own kinds,
 * whose snapshot it joins (resources → translation → snapshot → data plane, as Envoy Gateway goes
 * resources → IR → xDS).
 *
 * <p>A Gateway's listeners on one port become one snapshot listener, named {@code
 * namespace/gateway:port}, whose forwarding rules are the rules of every HTTPRoute attached to
 * them, each with the host names its route and listener share. Routes are taken oldest first (then
 * by namespace/name), which is how Gateway API breaks ties between equally specific matches: the
 * data plane keeps rule order among equals. What no rule takes is answered 404.
 */
public final class GatewayTranslator {

  private GatewayTranslator() {}

  /**
   * @param ports TCP ports Elbow's own Listeners hold, by what holds them; Gateways may not take
   *     them
   * @param elbowGroups the accepted BackendServerGroups as translated, by key, or null
   */
  public static GatewayTranslation translate(
      GatewayInputs in,
      Map<Integer, String> ports,
      Function<ResourceKey, GroupConfig> elbowGroups,
      References references) {
    Map<String, GatewayCondition> classes = new TreeMap<>();
    for (GatewayClass gatewayClass : in.classes()) {
      if (gatewayClass.getSpec() != null
          && GatewayApi.CONTROLLER_NAME.equals(gatewayClass.getSpec().getControllerName())) {
        classes.put(
            gatewayClass.getMetadata().getName(),
            GatewayCondition.yes(GatewayApi.ACCEPTED, "Accepted", "Elbow serves this class"));
      }
    }
    ReferenceGrants grants = new ReferenceGrants(in.referenceGrants());
    Map<Integer, String> taken = new HashMap<>(ports);
    Map<ResourceKey, Gateway> gateways = new LinkedHashMap<>();
    Map<ResourceKey, List<GatewayListeners.Checked>> checked = new HashMap<>();
    for (Gateway gateway : oldestFirst(in.gateways())) {
      if (gateway.getSpec() == null
          || gateway.getSpec().getGatewayClassName() == null
          || !classes.containsKey(gateway.getSpec().getGatewayClassName())) {
        continue; // another implementation's, or a class not (yet) there
      }
      ResourceKey key = ResourceKey.of(gateway);
      gateways.put(key, gateway);
      checked.put(key, GatewayListeners.check(gateway, taken, grants, references));
    }

    RouteBackends backends = new RouteBackends(references, elbowGroups, grants);
    // The rules of each snapshot listener, by gateway and port, in route order.
    Map<ResourceKey, Map<Integer, List<HttpRule>>> rules = new HashMap<>();
    Map<ResourceKey, List<GatewayTranslation.RouteParentResult>> routes = new HashMap<>();
    for (HTTPRoute route : oldestFirst(in.httpRoutes())) {
      HttpRouteRules.Converted converted = HttpRouteRules.convert(route, backends);
      GatewayCondition accepted = converted.unsupported();
      if (accepted == null) {
        List<String> problems =
            HttpRule.problems(converted.rules(), "spec.rules", groupNames(converted.rules()));
        if (!problems.isEmpty()) {
          accepted =
              GatewayCondition.no(
                  GatewayApi.ACCEPTED, "UnsupportedValue", String.join("; ", problems));
        }
      }
      GatewayCondition resolved =
          converted.unresolved() != null
              ? converted.unresolved()
              : GatewayCondition.yes(GatewayApi.RESOLVED_REFS, "ResolvedRefs", "resolved");
      List<GatewayTranslation.RouteParentResult> parents = new ArrayList<>();
      String namespace = route.getMetadata().getNamespace();
      List<ParentReference> refs =
          route.getSpec() == null || route.getSpec().getParentRefs() == null
              ? List.of()
              : route.getSpec().getParentRefs();
      for (ParentReference parent : refs) {
        ResourceKey gatewayKey = gatewayOf(parent, namespace);
        if (gatewayKey == null || !gateways.containsKey(gatewayKey)) {
          continue; // not an Elbow Gateway: its implementation reports on it
        }
        GatewayCondition attach =
            accepted != null
                ? accepted
                : attach(
                    route,
                    parent,
                    gateways.get(gatewayKey),
                    checked.get(gatewayKey),
                    converted,
                    rules,
                    in);
        parents.add(new GatewayTranslation.RouteParentResult(parent, List.of(attach, resolved)));
      }
      if (!parents.isEmpty()) {
        routes.put(ResourceKey.of(route), parents);
      }
    }

    List<ListenerConfig> listeners = new ArrayList<>();
    Map<ResourceKey, GatewayTranslation.GatewayResult> results = new HashMap<>();
    for (Map.Entry<ResourceKey, Gateway> entry : gateways.entrySet()) {
      ResourceKey key = entry.getKey();
      List<GatewayListeners.Checked> of = checked.get(key);
      listeners.addAll(snapshotListeners(key, of, rules.getOrDefault(key, Map.of())));
      results.put(key, result(of));
    }
    List<GroupConfig> groups = backends.serviceGroups();
    return new GatewayTranslation(listeners, groups, classes, results, routes);
  }

  /**
   * Attaches a route to the listeners of one parent Gateway that take it, adding its rules to their
   * ports; the route's Accepted condition under that parent.
   */
  private static GatewayCondition attach(
      HTTPRoute route,
      ParentReference parent,
      Gateway gateway,
      List<GatewayListeners.Checked> listeners,
      HttpRouteRules.Converted converted,
      Map<ResourceKey, Map<Integer, List<HttpRule>>> rules,
      GatewayInputs in) {
    String namespace = route.getMetadata().getNamespace();
    List<GatewayListeners.Checked> named =
        listeners.stream()
            .filter(
                l ->
                    parent.getSectionName() == null
                        || parent.getSectionName().equals(l.spec.getName()))
            .filter(l -> parent.getPort() == null || parent.getPort().equals(l.spec.getPort()))
            .toList();
    if (named.isEmpty()) {
      return GatewayCondition.no(
          GatewayApi.ACCEPTED,
          "NoMatchingParent",
          "Gateway "
              + gateway.getMetadata().getName()
              + " has no listener "
              + (parent.getSectionName() != null
                  ? "named " + parent.getSectionName()
                  : "on port " + parent.getPort()));
    }
    List<GatewayListeners.Checked> allowed =
        named.stream()
            .filter(GatewayListeners.Checked::programmed)
            .filter(l -> l.kinds.contains(GatewayApi.HTTP_ROUTE))
            .filter(l -> admits(l, gateway.getMetadata().getNamespace(), namespace, in))
            .toList();
    if (allowed.isEmpty()) {
      return GatewayCondition.no(
          GatewayApi.ACCEPTED,
          "NotAllowedByListeners",
          "no listener of Gateway "
              + gateway.getMetadata().getName()
              + " that this parentRef names is served and takes HTTPRoutes from namespace "
              + namespace
              + "; see the listener's allowedRoutes and conditions");
    }
    List<String> routeHosts = route.getSpec().getHostnames();
    boolean any = false;
    ResourceKey gatewayKey = ResourceKey.of(gateway);
    for (GatewayListeners.Checked listener : allowed) {
      List<String> hosts = Hostnames.intersect(listener.spec.getHostname(), routeHosts);
      if (hosts == null) {
        continue;
      }
      any = true;
      listener.attachedRoutes++;
      List<HttpRule> onPort =
          rules
              .computeIfAbsent(gatewayKey, k -> new TreeMap<>())
              .computeIfAbsent(listener.spec.getPort(), p -> new ArrayList<>());
      for (HttpRule rule : converted.rules()) {
        onPort.add(
            new HttpRule(
                hosts,
                rule.matches(),
                rule.forwardTo(),
                rule.redirect(),
                rule.fixedResponse(),
                rule.requestHeaders(),
                rule.responseHeaders()));
      }
    }
    if (!any) {
      return GatewayCondition.no(
          GatewayApi.ACCEPTED,
          "NoMatchingListenerHostname",
          "spec.hostnames: none of them is served by a listener of Gateway "
              + gateway.getMetadata().getName()
              + " this parentRef names");
    }
    return GatewayCondition.yes(GatewayApi.ACCEPTED, "Accepted", "attached");
  }

  /** Whether a listener's allowedRoutes.namespaces admits routes from {@code routeNamespace}. */
  private static boolean admits(
      GatewayListeners.Checked listener,
      String gatewayNamespace,
      String routeNamespace,
      GatewayInputs in) {
    RouteNamespaces namespaces =
        listener.spec.getAllowedRoutes() == null
            ? null
            : listener.spec.getAllowedRoutes().getNamespaces();
    String from =
        namespaces == null ? "Same" : Objects.requireNonNullElse(namespaces.getFrom(), "Same");
    return switch (from) {
      case "All" -> true;
      case "Selector" ->
          namespaces.getSelector() != null
              && LabelSelectors.matches(
                  namespaces.getSelector(), in.namespaceLabels().apply(routeNamespace));
      default -> gatewayNamespace.equals(routeNamespace);
    };
  }

  /** The Gateway a parentRef names, or null when it names something else. */
  private static ResourceKey gatewayOf(ParentReference parent, String routeNamespace) {
    if (!GatewayApi.GROUP.equals(GatewayApi.groupOr(parent.getGroup(), GatewayApi.GROUP))
        || !GatewayApi.GATEWAY.equals(
            Objects.requireNonNullElse(parent.getKind(), GatewayApi.GATEWAY))) {
      return null;
    }
    return new ResourceKey(
        Objects.requireNonNullElse(parent.getNamespace(), routeNamespace), parent.getName());
  }

  /** One snapshot listener per port with a served listener. */
  private static List<ListenerConfig> snapshotListeners(
      ResourceKey gateway,
      List<GatewayListeners.Checked> listeners,
      Map<Integer, List<HttpRule>> rules) {
    Map<Integer, List<GatewayListeners.Checked>> byPort = new TreeMap<>();
    for (GatewayListeners.Checked listener : listeners) {
      if (listener.programmed()) {
        byPort.computeIfAbsent(listener.spec.getPort(), p -> new ArrayList<>()).add(listener);
      }
    }
    List<ListenerConfig> configs = new ArrayList<>();
    for (Map.Entry<Integer, List<GatewayListeners.Checked>> entry : byPort.entrySet()) {
      boolean https = entry.getValue().get(0).https();
      Map<String, TlsCertificate> certificates = new LinkedHashMap<>();
      entry
          .getValue()
          .forEach(l -> l.certificates.forEach(c -> certificates.putIfAbsent(c.name(), c)));
      configs.add(
          new ListenerConfig(
              gateway + ":" + entry.getKey(),
              https ? ListenerProtocol.HTTPS : ListenerProtocol.HTTP,
              entry.getKey(),
              null,
              null,
              new ArrayList<>(certificates.values()),
              null,
              rules.getOrDefault(entry.getKey(), List.of())));
    }
    return configs;
  }

  private static GatewayTranslation.GatewayResult result(List<GatewayListeners.Checked> listeners) {
    long served = listeners.stream().filter(GatewayListeners.Checked::programmed).count();
    boolean valid = listeners.stream().allMatch(GatewayListeners.Checked::programmed);
    GatewayCondition accepted =
        served == 0 && !listeners.isEmpty()
            ? GatewayCondition.no(
                GatewayApi.ACCEPTED, "ListenersNotValid", "no listener can be served")
            : valid
                ? GatewayCondition.yes(GatewayApi.ACCEPTED, "Accepted", "accepted")
                : GatewayCondition.yes(
                    GatewayApi.ACCEPTED,
                    "ListenersNotValid",
                    "some listeners cannot be served; see their conditions");
    GatewayCondition programmed =
        served > 0 || listeners.isEmpty()
            ? GatewayCondition.yes(
                GatewayApi.PROGRAMMED, "Programmed", served + " listeners served")
            : GatewayCondition.no(GatewayApi.PROGRAMMED, "Invalid", "no listener is served");
    List<GatewayTranslation.ListenerResult> each =
        listeners.stream()
            .map(
                l ->
                    new GatewayTranslation.ListenerResult(
                        l.spec.getName(), l.attachedRoutes, l.kinds, l.conditions()))
            .toList();
    return new GatewayTranslation.GatewayResult(List.of(accepted, programmed), each);
  }

  private static java.util.Set<String> groupNames(List<HttpRule> rules) {
    return rules.stream()
        .flatMap(r -> r.forwardTo().stream())
        .map(HttpRule.WeightedGroup::group)
        .collect(Collectors.toSet());
  }

  /** Oldest first, then by namespace/name: Gateway API's order for ties between routes. */
  private static <T extends HasMetadata> List<T> oldestFirst(List<T> resources) {
    return resources.stream()
        .sorted(
            Comparator.comparing(
                    (T r) -> Objects.requireNonNullElse(r.getMetadata().getCreationTimestamp(), ""))
                .thenComparing(ResourceKey::of))
        .toList();
  }
}
