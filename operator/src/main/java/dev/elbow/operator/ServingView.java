package dev.elbow.operator;

import dev.elbow.operator.status.Programming;
import dev.elbow.operator.translate.Judged;
import dev.elbow.operator.translate.ResourceKey;
import dev.elbow.operator.translate.Translation;
import dev.elbow.snapshot.MemberHealth;
import java.util.Map;

/**
 * What the reconcilers read to write status: the latest verdicts, what every data plane serves,
 * what keeps the rest from being served, and member health. Immutable; the coordinator publishes a
 * new one after every change.
 *
 * @param settled false until the data planes had a chance to answer after the operator started;
 *     until then status is not written, so a restart does not flip every resource to Pending
 * @param translation the latest translation of all resources
 * @param served which incarnation and generation of each resource every data plane serves
 * @param dataPlanes how many data planes the operator knows
 * @param blocked why the newest configuration is not served everywhere, or null: a refusal, an
 *     unreachable data plane or an operator failure
 * @param closedPorts listeners whose port some data plane cannot open, with the reason
 * @param health member health by group name, then by {@code address:port}, the worst any data plane
 *     reports
 * @param healthyCounts how many data planes find each member healthy, keyed as {@code health}
 */
record ServingView(
    boolean settled,
    Translation translation,
    Served served,
    int dataPlanes,
    Programming blocked,
    Map<String, String> closedPorts,
    Map<String, Map<String, MemberHealth>> health,
    Map<String, Map<String, Integer>> healthyCounts) {

  static final ServingView INITIAL =
      new ServingView(false, Translation.EMPTY, Served.NONE, 0, null, Map.of(), Map.of(), Map.of());

  /**
   * Which resource incarnations a snapshot version carries.
   *
   * @param groups the verdict of each group in it, for its UID and generation
   * @param listeners the same for each listener
   */
  record Served(Map<ResourceKey, Judged> groups, Map<ResourceKey, Judged> listeners) {
    static final Served NONE = new Served(Map.of(), Map.of());
  }

  Judged groupVerdict(ResourceKey key) {
    return translation.groups().get(key);
  }

  Judged listenerVerdict(ResourceKey key) {
    return translation.listeners().get(key);
  }

  Programming groupProgramming(ResourceKey key, Judged current) {
    return programming(served.groups().get(key), current, null);
  }

  Programming listenerProgramming(ResourceKey key, Judged current) {
    return programming(served.listeners().get(key), current, closedPorts.get(key.toString()));
  }

  Map<String, MemberHealth> health(ResourceKey group) {
    return health.getOrDefault(group.toString(), Map.of());
  }

  Map<String, Integer> healthyCounts(ResourceKey group) {
    return healthyCounts.getOrDefault(group.toString(), Map.of());
  }

  private Programming programming(Judged servedAs, Judged current, String closedPort) {
    if (dataPlanes == 0) {
      return new Programming(
          Programming.State.NO_DATA_PLANE,
          "no data plane is known to the operator yet; check that the data plane pods are ready");
    }
    if (servedAs != null
        && current != null
        && servedAs.isAbout(current.uid(), current.generation())) {
      return closedPort == null
          ? Programming.programmed()
          : new Programming(Programming.State.PORT_UNAVAILABLE, closedPort);
    }
    if (blocked != null) {
      return blocked;
    }
    return new Programming(
        Programming.State.PENDING, "waiting for the data planes to apply the latest configuration");
  }
}
