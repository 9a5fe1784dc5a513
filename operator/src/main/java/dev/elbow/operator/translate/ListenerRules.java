package dev.elbow.operator.translate;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerSpec;
import dev.elbow.api.v1alpha1.RuleTarget;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.Cidr;
import dev.elbow.snapshot.HttpRule;
import dev.elbow.snapshot.ListenerProtocol;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
    String namespace = listener.getMetadata().getNamespace();
    if (spec.getRules() != null && !spec.getRules().isEmpty()) {
      if (protocol != ListenerProtocol.HTTP && protocol != ListenerProtocol.HTTPS) {
        return Verdict.rejected(
            "InvalidSpec", "spec.rules: only HTTP and HTTPS listeners route by host and path");
      }
      List<HttpRule> rules = ForwardingRules.of(namespace, spec.getRules());
      Set<String> named = new HashSet<>();
      rules.forEach(r -> r.forwardTo().forEach(t -> named.add(t.group())));
      List<String> problems = HttpRule.problems(rules, "spec.rules", named);
      if (!problems.isEmpty()) {
        return Verdict.rejected("InvalidSpec", String.join("; ", problems));
      }
    }
    Verdict refused =
        groupProblem(
            "spec.backendGroup",
            spec.getBackendGroup(),
            namespace,
            protocol,
            groupNamed,
            groupVerdict);
    if (refused != null) {
      return refused;
    }
    for (int r = 0; spec.getRules() != null && r < spec.getRules().size(); r++) {
      List<RuleTarget> targets = spec.getRules().get(r).getForwardTo();
      for (int t = 0; targets != null && t < targets.size(); t++) {
        refused =
            groupProblem(
                "spec.rules[" + r + "].forwardTo[" + t + "].backendGroup",
                targets.get(t).getBackendGroup(),
                namespace,
                protocol,
                groupNamed,
                groupVerdict);
        if (refused != null) {
          return refused;
        }
      }
    }
    String groupName = spec.getBackendGroup();
    String ruled =
        spec.getRules() == null || spec.getRules().isEmpty()
            ? ""
            : ", and by "
                + spec.getRules().size()
                + (spec.getRules().size() == 1 ? " forwarding rule" : " forwarding rules")
                + (ruleGroups(spec).isEmpty() ? "" : " to " + String.join(", ", ruleGroups(spec)));
    return Verdict.accepted(
        "forwards "
            + protocol
            + " port "
            + spec.getPort()
            + " to BackendServerGroup "
            + groupName
            + ruled);
  }

  private static Set<String> ruleGroups(ListenerSpec spec) {
    Set<String> names = new java.util.TreeSet<>();
    spec.getRules().stream()
        .filter(r -> r.getForwardTo() != null)
        .forEach(r -> r.getForwardTo().forEach(t -> names.add(t.getBackendGroup())));
    return names;
  }

  /** Why a group the listener names cannot take its traffic, or null when it can. */
  private static Verdict groupProblem(
      String field,
      String groupName,
      String namespace,
      ListenerProtocol protocol,
      Function<String, BackendServerGroup> groupNamed,
      Function<BackendServerGroup, Verdict> groupVerdict) {
    BackendServerGroup group = groupNamed.apply(groupName);
    if (group == null) {
      return Verdict.rejected(
          "GroupNotFound",
          field
              + ": no BackendServerGroup \""
              + groupName
              + "\" in namespace \""
              + namespace
              + "\"; create it or name an existing group");
    }
    if (group.getSpec() != null && group.getSpec().getProtocol() != null) {
      BackendProtocol backend = BackendProtocol.valueOf(group.getSpec().getProtocol().name());
      if (!protocol.canForwardTo(backend)) {
        return Verdict.rejected(
            "ProtocolMismatch",
            field
                + ": a "
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
          field
              + ": BackendServerGroup \""
              + groupName
              + "\" is not accepted: "
              + ofGroup.message());
    }
    return null;
  }

  private static Instant createdAt(Listener listener) {
    String created = listener.getMetadata().getCreationTimestamp();
    return created == null ? Instant.MAX : Instant.parse(created);
  }
}
