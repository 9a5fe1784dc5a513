package dev.elbow.operator;

import dev.elbow.operator.translate.Judged;
import dev.elbow.operator.translate.ResourceKey;
import dev.elbow.operator.translate.Translation;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.Snapshot;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resources a data plane refused although the operator accepted them (a listener port another
 * process holds, say). They are left out of the snapshots, so the rest of the configuration still
 * reaches the data planes, until the resource changes or a minute has passed (ports free up).
 */
final class Refusals {

  static final long RETRY_AFTER_MILLIS = 60_000;
  private static final Pattern PATH = Pattern.compile("^(listeners|groups)\\[(\\d+)]");

  /**
   * One refusal.
   *
   * @param generation the generation that was refused
   * @param message the data plane's reason
   * @param since when, in epoch milliseconds
   */
  record Refusal(long generation, String message, long since) {}

  /** The refusals at one moment, for the published view. */
  record Snapshot(Map<ResourceKey, Refusal> groups, Map<ResourceKey, Refusal> listeners) {
    static final Snapshot NONE = new Snapshot(Map.of(), Map.of());
  }

  private final Map<ResourceKey, Refusal> groups = new HashMap<>();
  private final Map<ResourceKey, Refusal> listeners = new HashMap<>();

  /**
   * Records what a data plane refused, from errors such as {@code listeners[2].port: ...}.
   *
   * @return the errors that name no resource, which cannot be worked around
   */
  List<String> record(
      List<String> errors, dev.elbow.snapshot.Snapshot refused, Translation translation, long now) {
    return errors.stream().filter(error -> !record(error, refused, translation, now)).toList();
  }

  private boolean record(
      String error, dev.elbow.snapshot.Snapshot refused, Translation translation, long now) {
    Matcher m = PATH.matcher(error);
    if (!m.find()) {
      return false;
    }
    int index = Integer.parseInt(m.group(2));
    String message = error.substring(error.indexOf(':') + 1).trim();
    if (m.group(1).equals("listeners") && index < refused.listeners().size()) {
      ResourceKey key = ResourceKey.parse(refused.listeners().get(index).name());
      listeners.put(key, new Refusal(translation.listeners().get(key).generation(), message, now));
      return true;
    }
    if (m.group(1).equals("groups") && index < refused.groups().size()) {
      ResourceKey key = ResourceKey.parse(refused.groups().get(index).name());
      groups.put(key, new Refusal(translation.groups().get(key).generation(), message, now));
      return true;
    }
    return false;
  }

  /** Forgets refusals of resources that changed, went away, or waited long enough. */
  void release(Translation translation, long now) {
    groups.entrySet().removeIf(e -> stale(translation.groups().get(e.getKey()), e.getValue(), now));
    listeners
        .entrySet()
        .removeIf(e -> stale(translation.listeners().get(e.getKey()), e.getValue(), now));
  }

  private static boolean stale(Judged current, Refusal refusal, long now) {
    return current == null
        || current.generation() != refusal.generation()
        || now - refusal.since() > RETRY_AFTER_MILLIS;
  }

  /** The snapshot without the refused resources (and the listeners of refused groups). */
  dev.elbow.snapshot.Snapshot filter(dev.elbow.snapshot.Snapshot snapshot) {
    if (groups.isEmpty() && listeners.isEmpty()) {
      return snapshot;
    }
    List<GroupConfig> keptGroups =
        snapshot.groups().stream()
            .filter(g -> !groups.containsKey(ResourceKey.parse(g.name())))
            .toList();
    Set<String> kept = new HashSet<>();
    keptGroups.forEach(g -> kept.add(g.name()));
    List<ListenerConfig> keptListeners =
        snapshot.listeners().stream()
            .filter(l -> !listeners.containsKey(ResourceKey.parse(l.name())))
            .filter(l -> kept.contains(l.group()))
            .toList();
    return new dev.elbow.snapshot.Snapshot(snapshot.version(), keptListeners, keptGroups);
  }

  Snapshot snapshot() {
    return new Snapshot(Map.copyOf(groups), Map.copyOf(listeners));
  }
}
