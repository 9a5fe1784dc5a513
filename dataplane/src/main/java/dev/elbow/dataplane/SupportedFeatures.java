package dev.elbow.dataplane;

import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckProtocol;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What this data plane can serve today. A valid snapshot that asks for more is refused whole,
 * naming each part it cannot serve, rather than served in part.
 */
final class SupportedFeatures {

  static final Set<ListenerProtocol> LISTENER_PROTOCOLS =
      Set.of(ListenerProtocol.TCP, ListenerProtocol.HTTP);
  static final Set<BackendProtocol> GROUP_PROTOCOLS =
      Set.of(BackendProtocol.TCP, BackendProtocol.HTTP);
  static final Set<Algorithm> ALGORITHMS = Set.of(Algorithm.ROUND_ROBIN);
  static final Set<HealthCheckProtocol> CHECKS =
      Set.of(HealthCheckProtocol.TCP, HealthCheckProtocol.HTTP);

  private SupportedFeatures() {}

  static List<String> unsupported(Snapshot snapshot) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < snapshot.listeners().size(); i++) {
      ListenerConfig listener = snapshot.listeners().get(i);
      if (!LISTENER_PROTOCOLS.contains(listener.protocol())) {
        problems.add(
            "listeners["
                + i
                + "].protocol: "
                + listener.protocol()
                + " listeners are not supported by this data plane yet; use one of "
                + LISTENER_PROTOCOLS);
      }
    }
    for (int i = 0; i < snapshot.groups().size(); i++) {
      GroupConfig group = snapshot.groups().get(i);
      if (!GROUP_PROTOCOLS.contains(group.protocol())) {
        problems.add(
            "groups["
                + i
                + "].protocol: "
                + group.protocol()
                + " groups are not supported by this data plane yet; use one of "
                + GROUP_PROTOCOLS);
      }
      if (!ALGORITHMS.contains(group.algorithm())) {
        problems.add(
            "groups["
                + i
                + "].algorithm: "
                + group.algorithm()
                + " is not supported by this data plane yet; use one of "
                + ALGORITHMS);
      }
      if (group.healthCheck().enabled() && !CHECKS.contains(group.healthCheck().protocol())) {
        problems.add(
            "groups["
                + i
                + "].healthCheck.protocol: "
                + group.healthCheck().protocol()
                + " checks are not supported by this data plane yet; use one of "
                + CHECKS);
      }
    }
    return problems;
  }
}
