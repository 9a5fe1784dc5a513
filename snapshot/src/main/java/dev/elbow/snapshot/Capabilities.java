package dev.elbow.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What this release of the data plane can serve. The operator and the data plane ship together and
 * both read this class: the operator to tell users, on the resource, that a protocol is not there
 * yet; the data plane to refuse, whole, a snapshot that asks for more than it can serve.
 */
public final class Capabilities {

  /** Listener protocols served today. */
  public static final Set<ListenerProtocol> LISTENER_PROTOCOLS = Set.of(ListenerProtocol.values());

  /** Backend protocols served today. */
  public static final Set<BackendProtocol> GROUP_PROTOCOLS = Set.of(BackendProtocol.values());

  /** Algorithms implemented today. */
  public static final Set<Algorithm> ALGORITHMS = Set.of(Algorithm.values());

  /** Health check protocols implemented today. */
  public static final Set<HealthCheckProtocol> CHECKS = Set.of(HealthCheckProtocol.values());

  private Capabilities() {}

  /** Each part of the snapshot this release cannot serve, as {@code path: what and why}. */
  public static List<String> unsupported(Snapshot snapshot) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < snapshot.listeners().size(); i++) {
      ListenerProtocol protocol = snapshot.listeners().get(i).protocol();
      if (protocol != null && !LISTENER_PROTOCOLS.contains(protocol)) {
        problems.add(
            "listeners[" + i + "].protocol: " + notYet(protocol, "listeners", LISTENER_PROTOCOLS));
      }
    }
    for (int i = 0; i < snapshot.groups().size(); i++) {
      GroupConfig group = snapshot.groups().get(i);
      if (group.protocol() != null && !GROUP_PROTOCOLS.contains(group.protocol())) {
        problems.add(
            "groups[" + i + "].protocol: " + notYet(group.protocol(), "groups", GROUP_PROTOCOLS));
      }
      if (group.algorithm() != null && !ALGORITHMS.contains(group.algorithm())) {
        problems.add(
            "groups[" + i + "].algorithm: " + notYet(group.algorithm(), "groups", ALGORITHMS));
      }
      HealthCheckConfig check = group.healthCheck();
      if (check.enabled() && check.protocol() != null && !CHECKS.contains(check.protocol())) {
        problems.add(
            "groups["
                + i
                + "].healthCheck.protocol: "
                + notYet(check.protocol(), "health checks", CHECKS));
      }
    }
    return problems;
  }

  /** "UDP is not supported yet for listeners; use HTTP or TCP". */
  public static String notYet(Enum<?> value, String forWhat, Set<? extends Enum<?>> supported) {
    return value
        + " is not supported yet for "
        + forWhat
        + "; use "
        + String.join(" or ", supported.stream().map(Enum::name).sorted().toList());
  }
}
