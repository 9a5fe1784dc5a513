package dev.elbow.operator;

import dev.elbow.operator.status.Programming;
import dev.elbow.operator.translate.Judged;
import dev.elbow.operator.translate.ResourceKey;
import dev.elbow.operator.translate.Translation;
import dev.elbow.snapshot.MemberHealth;
import java.util.Map;

/**
 * What the reconcilers read to write status: the latest verdicts, which generation of each resource
 * every data plane serves, what the data planes refused, and member health. Immutable; the
 * coordinator publishes a new one after every change.
 *
 * @param translation the latest translation of all resources
 * @param served the generation of each resource that every data plane serves
 * @param refused the resources a data plane refused, and why
 * @param dataPlanes how many data planes the operator knows
 * @param desiredVersion the version of the snapshot being pushed
 * @param health member health by group name, then by {@code address:port}
 */
record ServingView(
    Translation translation,
    Served served,
    Refusals.Snapshot refused,
    int dataPlanes,
    long desiredVersion,
    Map<String, Map<String, MemberHealth>> health) {

  static final ServingView EMPTY =
      new ServingView(Translation.EMPTY, Served.NONE, Refusals.Snapshot.NONE, 0, 0, Map.of());

  /**
   * Which generation of each resource a snapshot version carries.
   *
   * @param groups generation by group
   * @param listeners generation by listener
   */
  record Served(Map<ResourceKey, Long> groups, Map<ResourceKey, Long> listeners) {
    static final Served NONE = new Served(Map.of(), Map.of());
  }

  Judged groupVerdict(ResourceKey key) {
    return translation.groups().get(key);
  }

  Judged listenerVerdict(ResourceKey key) {
    return translation.listeners().get(key);
  }

  Programming groupProgramming(ResourceKey key, long generation) {
    return programming(served.groups().get(key), refused.groups().get(key), generation);
  }

  Programming listenerProgramming(ResourceKey key, long generation) {
    return programming(served.listeners().get(key), refused.listeners().get(key), generation);
  }

  Map<String, MemberHealth> health(ResourceKey group) {
    return health.getOrDefault(group.toString(), Map.of());
  }

  private Programming programming(
      Long servedGeneration, Refusals.Refusal refusal, long generation) {
    if (dataPlanes == 0) {
      return new Programming(
          Programming.State.NO_DATA_PLANE,
          "no data plane is known to the operator yet; check that the data plane pods are ready");
    }
    if (refusal != null && refusal.generation() == generation) {
      return new Programming(
          Programming.State.REJECTED, "the data plane refused it: " + refusal.message());
    }
    if (servedGeneration != null && servedGeneration == generation) {
      return Programming.programmed();
    }
    return new Programming(
        Programming.State.PENDING,
        "waiting for the data planes to apply snapshot " + desiredVersion);
  }
}
