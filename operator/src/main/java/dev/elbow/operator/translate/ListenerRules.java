package dev.elbow.operator.translate;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerSpec;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.Cidr;
import dev.elbow.snapshot.ListenerProtocol;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Decides whether a Listener is accepted. Pure: the answer depends only on the arguments.
 *
 * <p>Ports go to the oldest listener that asks for them (by creation time, then namespace and
 * name), whatever state that listener is in, so a port never moves between listeners just because
 * some other resource changed.
 */
public final class ListenerRules {

  /** Oldest first; the first listener on a port owns it. */
  static final Comparator<Listener> SENIORITY =
      Comparator.comparing(ListenerRules::createdAt).thenComparing(ResourceKey::of);

  private ListenerRules() {}

  /**
   * The verdict on one listener.
   *
   * @param groupNamed the BackendServerGroup of this name in the listener's namespace, or null
   * @param groupVerdict the verdict on that group
   * @param samePort every listener on the listener's port and socket family (UDP, or TCP for TCP,
   *     HTTP and HTTPS), itself included
   */
  public static Verdict verdict(
      Listener listener,
      Function<String, BackendServerGroup> groupNamed,
      Function<BackendServerGroup, Verdict> groupVerdict,
      Collection<Listener> samePort) {
    ListenerSpec spec = listener.getSpec();
    if (spec == null
        || spec.getProtocol() == null
        || spec.getPort() == null
        || spec.getBackendGroup() == null) {
      return Verdict.rejected(
          "InvalidSpec", "spec.protocol, spec.port and spec.backendGroup are required");
    }
    ListenerProtocol protocol = ListenerProtocol.valueOf(spec.getProtocol().name());
    List<String> upstreams = spec.getProxyProtocolFrom();
    for (int i = 0; upstreams != null && i < upstreams.size(); i++) {
      try {
        Cidr.parse(upstreams.get(i));
      } catch (IllegalArgumentException e) {
        return Verdict.rejected(
            "InvalidSpec", "spec.proxyProtocolFrom[" + i + "]: " + e.getMessage());
      }
    }
    Listener owner = samePort.stream().min(SENIORITY).orElse(listener);
    if (!ResourceKey.of(owner).equals(ResourceKey.of(listener))) {
      return Verdict.rejected(
          "PortConflict",
          "spec.port: "
              + (protocol == ListenerProtocol.UDP ? "UDP" : "TCP")
              + " port "
              + spec.getPort()
              + " is already taken by listener "
              + ResourceKey.of(owner)
              + ", which is older; choose another port");
    }
    String groupName = spec.getBackendGroup();
    BackendServerGroup group = groupNamed.apply(groupName);
    if (group == null) {
      return Verdict.rejected(
          "GroupNotFound",
          "spec.backendGroup: no BackendServerGroup \""
              + groupName
              + "\" in namespace \""
              + listener.getMetadata().getNamespace()
              + "\"; create it or name an existing group");
    }
    if (group.getSpec() != null && group.getSpec().getProtocol() != null) {
      BackendProtocol backend = BackendProtocol.valueOf(group.getSpec().getProtocol().name());
      if (!protocol.canForwardTo(backend)) {
        return Verdict.rejected(
            "ProtocolMismatch",
            "spec.backendGroup: a "
                + protocol
                + " listener forwards only to "
                + protocol.allowedBackends()
                + " groups, but BackendServerGroup \""
                + groupName
                + "\" is "
                + backend
                + "; name a "
                + protocol.allowedBackends()
                + " group or change spec.protocol");
      }
    }
    Verdict ofGroup = groupVerdict.apply(group);
    if (!ofGroup.accepted()) {
      return Verdict.rejected(
          "GroupNotAccepted",
          "spec.backendGroup: BackendServerGroup \""
              + groupName
              + "\" is not accepted: "
              + ofGroup.message());
    }
    return Verdict.accepted(
        "forwards " + protocol + " port " + spec.getPort() + " to BackendServerGroup " + groupName);
  }

  private static Instant createdAt(Listener listener) {
    String created = listener.getMetadata().getCreationTimestamp();
    return created == null ? Instant.MAX : Instant.parse(created);
  }
}
