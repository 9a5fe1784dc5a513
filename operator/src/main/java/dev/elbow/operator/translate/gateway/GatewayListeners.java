package dev.elbow.operator.translate.gateway;

import dev.elbow.operator.translate.References;
import dev.elbow.operator.translate.ResourceKey;
import dev.elbow.snapshot.PemMaterial;
import dev.elbow.snapshot.TlsCertificate;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks the listeners of one Gateway: protocols Elbow serves (HTTP, HTTPS terminating TLS),
 * certificates that resolve, route kinds it takes, ports no other listener or Gateway holds, and no
 * two listeners of the Gateway that clash on a port. Each listener gets the conditions Gateway API
 * names for these outcomes.
 */
final class GatewayListeners {

  /** One listener of a Gateway, as checked; routes attach to it afterwards. */
  static final class Checked {
    final Listener spec;
    final List<String> kinds;
    List<TlsCertificate> certificates = List.of();
    GatewayCondition accepted;
    GatewayCondition resolvedRefs;
    GatewayCondition conflicted;
    int attachedRoutes;

    Checked(Listener spec, List<String> kinds) {
      this.spec = spec;
      this.kinds = kinds;
    }

    /** Whether traffic is served on it: accepted, its references resolved, no conflict. */
    boolean programmed() {
      return accepted.status() && resolvedRefs.status() && !conflicted.status() && !kinds.isEmpty();
    }

    boolean https() {
      return "HTTPS".equals(spec.getProtocol());
    }

    List<GatewayCondition> conditions() {
      GatewayCondition programmed =
          programmed()
              ? GatewayCondition.yes(
                  GatewayApi.PROGRAMMED, "Programmed", "served on port " + spec.getPort())
              : GatewayCondition.no(
                  GatewayApi.PROGRAMMED, "Invalid", "not served; see the other conditions");
      return List.of(accepted, resolvedRefs, conflicted, programmed);
    }
  }

  private GatewayListeners() {}

  /**
   * @param ports the TCP ports taken so far, by what holds them (a Listener, another Gateway); this
   *     Gateway's programmed ports are added
   */
  static List<Checked> check(
      Gateway gateway, Map<Integer, String> ports, ReferenceGrants grants, References references) {
    String namespace = gateway.getMetadata().getNamespace();
    String self = "Gateway " + namespace + "/" + gateway.getMetadata().getName();
    List<Listener> specs =
        Objects.requireNonNullElse(gateway.getSpec().getListeners(), List.<Listener>of());
    List<Checked> checked = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      Listener spec = specs.get(i);
      String at = "spec.listeners[" + i + "]";
      Checked listener = new Checked(spec, kinds(spec));
      listener.conflicted =
          GatewayCondition.no(GatewayApi.CONFLICTED, "NoConflicts", "no conflict");
      String protocol = spec.getProtocol();
      if (!"HTTP".equals(protocol) && !"HTTPS".equals(protocol)) {
        listener.accepted =
            GatewayCondition.no(
                GatewayApi.ACCEPTED,
                "UnsupportedProtocol",
                at + ".protocol: Elbow serves HTTP and HTTPS listeners so far, not " + protocol);
      } else if (ports.containsKey(spec.getPort()) && !ports.get(spec.getPort()).equals(self)) {
        listener.accepted =
            GatewayCondition.no(
                GatewayApi.ACCEPTED,
                "PortUnavailable",
                at
                    + ".port: "
                    + spec.getPort()
                    + " is already served by "
                    + ports.get(spec.getPort())
                    + "; choose another port");
      } else {
        listener.accepted = GatewayCondition.yes(GatewayApi.ACCEPTED, "Accepted", "accepted");
      }
      listener.resolvedRefs = resolvedRefs(listener, at, namespace, grants, references);
      checked.add(listener);
    }
    markConflicts(checked);
    for (Checked listener : checked) {
      if (listener.programmed()) {
        ports.put(listener.spec.getPort(), self);
      }
    }
    return checked;
  }

  /** The route kinds a listener takes: HTTPRoute, unless its allowedRoutes names others only. */
  private static List<String> kinds(Listener spec) {
    if (spec.getAllowedRoutes() == null
        || spec.getAllowedRoutes().getKinds() == null
        || spec.getAllowedRoutes().getKinds().isEmpty()) {
      return List.of(GatewayApi.HTTP_ROUTE);
    }
    List<String> kinds = new ArrayList<>();
    for (RouteGroupKind kind : spec.getAllowedRoutes().getKinds()) {
      if (GatewayApi.GROUP.equals(GatewayApi.groupOr(kind.getGroup(), GatewayApi.GROUP))
          && GatewayApi.HTTP_ROUTE.equals(kind.getKind())
          && !kinds.contains(GatewayApi.HTTP_ROUTE)) {
        kinds.add(GatewayApi.HTTP_ROUTE);
      }
    }
    return kinds;
  }

  private static GatewayCondition resolvedRefs(
      Checked listener, String at, String namespace, ReferenceGrants grants, References refs) {
    Listener spec = listener.spec;
    boolean kindsValid =
        spec.getAllowedRoutes() == null
            || spec.getAllowedRoutes().getKinds() == null
            || spec.getAllowedRoutes().getKinds().isEmpty()
            || spec.getAllowedRoutes().getKinds().size() == listener.kinds.size();
    if (!kindsValid) {
      return GatewayCondition.no(
          GatewayApi.RESOLVED_REFS,
          "InvalidRouteKinds",
          at + ".allowedRoutes.kinds: Elbow takes HTTPRoute on HTTP and HTTPS listeners");
    }
    if (!listener.https()) {
      return GatewayCondition.yes(GatewayApi.RESOLVED_REFS, "ResolvedRefs", "resolved");
    }
    if (spec.getTls() == null
        || spec.getTls().getCertificateRefs() == null
        || spec.getTls().getCertificateRefs().isEmpty()) {
      return invalidCertificate(
          at + ".tls.certificateRefs: an HTTPS listener needs a kubernetes.io/tls Secret");
    }
    if (spec.getTls().getMode() != null && !"Terminate".equals(spec.getTls().getMode())) {
      return invalidCertificate(
          at + ".tls.mode: an HTTPS listener terminates TLS; Passthrough is for TLS listeners");
    }
    List<TlsCertificate> certificates = new ArrayList<>();
    List<SecretObjectReference> certs = spec.getTls().getCertificateRefs();
    for (int c = 0; c < certs.size(); c++) {
      SecretObjectReference ref = certs.get(c);
      String here = at + ".tls.certificateRefs[" + c + "]";
      String group = Objects.requireNonNullElse(ref.getGroup(), "");
      String kind = Objects.requireNonNullElse(ref.getKind(), GatewayApi.SECRET);
      if (!group.isEmpty() || !kind.equals(GatewayApi.SECRET)) {
        return invalidCertificate(here + ": refer to a core Secret, not " + group + "/" + kind);
      }
      String secretNamespace = Objects.requireNonNullElse(ref.getNamespace(), namespace);
      if (!grants.allows(
          GatewayApi.GROUP,
          GatewayApi.GATEWAY,
          namespace,
          "",
          GatewayApi.SECRET,
          secretNamespace,
          ref.getName())) {
        return GatewayCondition.no(
            GatewayApi.RESOLVED_REFS,
            "RefNotPermitted",
            here
                + ".namespace: Secret \""
                + ref.getName()
                + "\" is in namespace "
                + secretNamespace
                + "; a ReferenceGrant there must allow Gateways from "
                + namespace);
      }
      ResourceKey key = new ResourceKey(secretNamespace, ref.getName());
      Map<String, String> data = refs.secret(key);
      if (data == null || data.get("tls.crt") == null || data.get("tls.key") == null) {
        return invalidCertificate(
            here
                + ": no kubernetes.io/tls Secret \""
                + ref.getName()
                + "\" with tls.crt and tls.key in namespace "
                + secretNamespace);
      }
      TlsCertificate certificate =
          new TlsCertificate(key.toString(), data.get("tls.crt"), data.get("tls.key"));
      List<String> problems = PemMaterial.problems(certificate);
      if (!problems.isEmpty()) {
        return invalidCertificate(here + ": " + String.join("; ", problems));
      }
      certificates.add(certificate);
    }
    listener.certificates = List.copyOf(certificates);
    return GatewayCondition.yes(GatewayApi.RESOLVED_REFS, "ResolvedRefs", "resolved");
  }

  private static GatewayCondition invalidCertificate(String message) {
    return GatewayCondition.no(GatewayApi.RESOLVED_REFS, "InvalidCertificateRef", message);
  }

  /**
   * Listeners of one Gateway on one port must agree on the protocol (ProtocolConflict) and differ
   * in hostname (HostnameConflict); those that do not are not served.
   */
  private static void markConflicts(List<Checked> listeners) {
    Map<Integer, List<Checked>> byPort = new HashMap<>();
    for (Checked listener : listeners) {
      if (listener.accepted.status()) {
        byPort.computeIfAbsent(listener.spec.getPort(), p -> new ArrayList<>()).add(listener);
      }
    }
    for (List<Checked> onPort : byPort.values()) {
      boolean mixed = onPort.stream().map(l -> l.spec.getProtocol()).distinct().count() > 1;
      for (Checked listener : onPort) {
        if (mixed) {
          listener.conflicted =
              GatewayCondition.yes(
                  GatewayApi.CONFLICTED,
                  "ProtocolConflict",
                  "port "
                      + listener.spec.getPort()
                      + " has listeners of different protocols; give each protocol its own port");
          continue;
        }
        String host = listener.spec.getHostname();
        long same = onPort.stream().filter(l -> Objects.equals(l.spec.getHostname(), host)).count();
        if (same > 1) {
          listener.conflicted =
              GatewayCondition.yes(
                  GatewayApi.CONFLICTED,
                  "HostnameConflict",
                  "another listener on port "
                      + listener.spec.getPort()
                      + " has the same hostname "
                      + (host == null ? "(none)" : host)
                      + "; give each a hostname of its own");
        }
      }
    }
  }
}
