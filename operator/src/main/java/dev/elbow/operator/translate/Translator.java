package dev.elbow.operator.translate;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Translates every BackendServerGroup and Listener into one snapshot plus a verdict per resource. A
 * pure function of its input: no API calls, no clock, no randomness; the output lists resources in
 * namespace/name order so equal input gives an equal snapshot.
 */
public final class Translator {

  private Translator() {}

  public static Translation translate(
      Collection<BackendServerGroup> groups, Collection<Listener> listeners) {
    Map<ResourceKey, BackendServerGroup> groupsByKey = new HashMap<>();
    Map<ResourceKey, Judged> groupVerdicts = new HashMap<>();
    List<GroupConfig> groupConfigs = new ArrayList<>();
    for (BackendServerGroup group : sorted(groups)) {
      ResourceKey key = ResourceKey.of(group);
      GroupRules.Result result = GroupRules.translate(group);
      groupsByKey.put(key, group);
      groupVerdicts.put(
          key, new Judged(group.getMetadata().getUid(), generation(group), result.verdict()));
      if (result.config() != null) {
        groupConfigs.add(result.config());
      }
    }

    Map<Integer, List<Listener>> byPort =
        listeners.stream()
            .filter(l -> l.getSpec() != null && l.getSpec().getPort() != null)
            .collect(Collectors.groupingBy(l -> l.getSpec().getPort()));
    Map<ResourceKey, Judged> listenerVerdicts = new HashMap<>();
    List<ListenerConfig> listenerConfigs = new ArrayList<>();
    for (Listener listener : sorted(listeners)) {
      ResourceKey key = ResourceKey.of(listener);
      String namespace = key.namespace();
      Verdict verdict =
          ListenerRules.verdict(
              listener,
              name -> groupsByKey.get(new ResourceKey(namespace, name)),
              group -> groupVerdicts.get(ResourceKey.of(group)).verdict(),
              byPort.getOrDefault(
                  listener.getSpec() == null ? null : listener.getSpec().getPort(),
                  List.of(listener)));
      listenerVerdicts.put(
          key, new Judged(listener.getMetadata().getUid(), generation(listener), verdict));
      if (verdict.accepted()) {
        listenerConfigs.add(
            new ListenerConfig(
                key.toString(),
                ListenerProtocol.valueOf(listener.getSpec().getProtocol().name()),
                listener.getSpec().getPort(),
                new ResourceKey(namespace, listener.getSpec().getBackendGroup()).toString()));
      }
    }
    return new Translation(
        new Snapshot(0, listenerConfigs, groupConfigs), groupVerdicts, listenerVerdicts);
  }

  private static <T extends HasMetadata> List<T> sorted(Collection<T> resources) {
    return resources.stream().sorted(Comparator.comparing(ResourceKey::of)).toList();
  }

  private static long generation(HasMetadata resource) {
    Long generation = resource.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }
}
