package dev.elbow.operator;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.operator.push.DataPlaneClient;
import dev.elbow.operator.push.DataPlaneEndpoints;
import dev.elbow.operator.push.DataPlaneLink;
import dev.elbow.operator.push.DesiredSnapshot;
import dev.elbow.operator.push.HealthView;
import dev.elbow.operator.status.MemberCounts;
import dev.elbow.operator.status.Programming;
import dev.elbow.operator.translate.Judged;
import dev.elbow.operator.translate.ResourceKey;
import dev.elbow.operator.translate.Translation;
import dev.elbow.operator.translate.Translator;
import dev.elbow.snapshot.DataPlaneStatus;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.MemberHealth;
import dev.elbow.snapshot.Snapshot;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the data planes in step with the resources.
 *
 * <p>Any change to a resource asks for a sync. Syncs are debounced and run one at a time on this
 * class's own thread: translate everything from the informer caches, stamp a new version if the
 * snapshot changed, and hand it to a {@link DataPlaneLink} per data plane. What the links report
 * back (versions applied, health, refusals) lands on the same thread. After every change the
 * coordinator works out which resources' status inputs changed and triggers exactly those
 * reconciles; the reconcilers only read the published {@link View}.
 */
public final class ConfigCoordinator implements DataPlaneLink.Events, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConfigCoordinator.class);
  private static final long DEBOUNCE_MILLIS = 50;
  private static final long QUARANTINE_MILLIS = 60_000;

  private final DataPlaneClient client;
  private final DataPlaneEndpoints endpoints;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final AtomicBoolean syncScheduled = new AtomicBoolean();

  private volatile Supplier<Stream<BackendServerGroup>> groups;
  private volatile Function<ResourceKey, BackendServerGroup> groupLookup = key -> null;
  private volatile Supplier<Stream<Listener>> listeners;
  private volatile Consumer<ResourceKey> groupTrigger = key -> {};
  private volatile Consumer<ResourceKey> listenerTrigger = key -> {};

  // Owned by the executor thread.
  private final Map<URI, DataPlaneLink> links = new HashMap<>();
  private final TreeMap<Long, Served> pushed = new TreeMap<>();
  private final Map<ResourceKey, Quarantine> quarantinedGroups = new HashMap<>();
  private final Map<ResourceKey, Quarantine> quarantinedListeners = new HashMap<>();
  private Translation translation = Translation.EMPTY;
  private DesiredSnapshot desired;
  private long lastVersion;
  private Map<ResourceKey, Object> firedGroupInputs = Map.of();
  private Map<ResourceKey, Object> firedListenerInputs = Map.of();

  private volatile View view = View.EMPTY;

  /** Which generation of each resource a snapshot version carries. */
  private record Served(Map<ResourceKey, Long> groups, Map<ResourceKey, Long> listeners) {}

  /** A resource a data plane refused, kept out of snapshots for a while. */
  private record Quarantine(long generation, String message, long since) {}

  /** What reconcilers read: immutable, replaced whole. */
  record View(
      Translation translation,
      Served served,
      Map<ResourceKey, Quarantine> rejectedGroups,
      Map<ResourceKey, Quarantine> rejectedListeners,
      int dataPlanes,
      long desiredVersion,
      Map<String, Map<String, MemberHealth>> health) {
    static final View EMPTY =
        new View(
            Translation.EMPTY, new Served(Map.of(), Map.of()), Map.of(), Map.of(), 0, 0, Map.of());
  }

  public ConfigCoordinator(DataPlaneClient client, DataPlaneEndpoints endpoints, Clock clock) {
    this.client = client;
    this.endpoints = endpoints;
    this.clock = clock;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "elbow-coordinator");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Connects the group cache and the way to trigger a group's reconcile.
   *
   * @param all every group in the cache
   * @param lookup one group from the cache, or null
   */
  public void attachGroups(
      Supplier<Stream<BackendServerGroup>> all,
      Function<ResourceKey, BackendServerGroup> lookup,
      Consumer<ResourceKey> trigger) {
    this.groups = all;
    this.groupLookup = lookup;
    this.groupTrigger = trigger;
  }

  /** A group as the operator's cache has it, or null. */
  public BackendServerGroup group(ResourceKey key) {
    return groupLookup.apply(key);
  }

  /** Connects the listener cache and the way to trigger a listener's reconcile. */
  public void attachListeners(Supplier<Stream<Listener>> cache, Consumer<ResourceKey> trigger) {
    this.listeners = cache;
    this.listenerTrigger = trigger;
  }

  /** Starts following the data plane endpoints. */
  public void start() {
    endpoints.start(uris -> executor.execute(() -> updateLinks(uris)));
  }

  /** Asks for a sync soon; many requests in a burst make one sync. */
  public void requestSync() {
    if (syncScheduled.compareAndSet(false, true)) {
      executor.schedule(this::sync, DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  // ---- queries, from reconciler threads ----

  /** The latest verdict on a group, with the generation it judged; null if not judged yet. */
  public Judged groupVerdict(ResourceKey key) {
    return view.translation().groups().get(key);
  }

  /** The latest verdict on a listener, with the generation it judged; null if not judged yet. */
  public Judged listenerVerdict(ResourceKey key) {
    return view.translation().listeners().get(key);
  }

  public Programming groupProgramming(ResourceKey key, long generation) {
    View v = view;
    return programming(v, v.served().groups().get(key), v.rejectedGroups().get(key), generation);
  }

  public Programming listenerProgramming(ResourceKey key, long generation) {
    View v = view;
    return programming(
        v, v.served().listeners().get(key), v.rejectedListeners().get(key), generation);
  }

  private static Programming programming(
      View v, Long served, Quarantine rejected, long generation) {
    if (v.dataPlanes() == 0) {
      return new Programming(
          Programming.State.NO_DATA_PLANE,
          "no data plane is known to the operator yet; check that the data plane pods are ready");
    }
    if (rejected != null && rejected.generation() == generation) {
      return new Programming(
          Programming.State.REJECTED, "the data plane refused it: " + rejected.message());
    }
    if (served != null && served == generation) {
      return Programming.programmed();
    }
    return new Programming(
        Programming.State.PENDING,
        "waiting for the data planes to apply snapshot " + v.desiredVersion());
  }

  /** The merged member health of a group, keyed by {@code address:port}. */
  public Map<String, MemberHealth> health(ResourceKey group) {
    return view.health().getOrDefault(group.toString(), Map.of());
  }

  // ---- the work, on the executor thread ----

  private void sync() {
    syncScheduled.set(false);
    if (groups == null || listeners == null) {
      return;
    }
    List<BackendServerGroup> allGroups = groups.get().toList();
    List<Listener> allListeners = listeners.get().toList();
    translation = Translator.translate(allGroups, allListeners);
    releaseQuarantine();
    Snapshot snapshot = withoutQuarantined(translation.snapshot());
    if (desired == null || !snapshot.sameConfigAs(desired.snapshot())) {
      stamp(snapshot);
    }
    publish(allGroups, allListeners);
  }

  /** Gives the snapshot a new version and sends it to every data plane. */
  private void stamp(Snapshot snapshot) {
    lastVersion = Math.max(lastVersion + 1, clock.millis());
    desired = DesiredSnapshot.of(snapshot.withVersion(lastVersion));
    pushed.put(lastVersion, served(desired.snapshot()));
    log.info(
        "snapshot {}: {} listeners, {} groups",
        lastVersion,
        snapshot.listeners().size(),
        snapshot.groups().size());
    links.values().forEach(link -> link.offer(desired));
  }

  private Served served(Snapshot snapshot) {
    Map<ResourceKey, Long> servedGroups = new HashMap<>();
    for (GroupConfig group : snapshot.groups()) {
      ResourceKey key = parse(group.name());
      servedGroups.put(key, translation.groups().get(key).generation());
    }
    Map<ResourceKey, Long> servedListeners = new HashMap<>();
    for (ListenerConfig listener : snapshot.listeners()) {
      ResourceKey key = parse(listener.name());
      servedListeners.put(key, translation.listeners().get(key).generation());
    }
    return new Served(servedGroups, servedListeners);
  }

  private Snapshot withoutQuarantined(Snapshot snapshot) {
    if (quarantinedGroups.isEmpty() && quarantinedListeners.isEmpty()) {
      return snapshot;
    }
    List<GroupConfig> keptGroups =
        snapshot.groups().stream()
            .filter(g -> !quarantinedGroups.containsKey(parse(g.name())))
            .toList();
    Set<String> keptGroupNames = new java.util.HashSet<>();
    keptGroups.forEach(g -> keptGroupNames.add(g.name()));
    List<ListenerConfig> keptListeners =
        snapshot.listeners().stream()
            .filter(l -> !quarantinedListeners.containsKey(parse(l.name())))
            .filter(l -> keptGroupNames.contains(l.group()))
            .toList();
    return new Snapshot(0, keptListeners, keptGroups);
  }

  /** Lets a refused resource try again once it changed, or after a while (ports free up). */
  private void releaseQuarantine() {
    long now = clock.millis();
    quarantinedGroups
        .entrySet()
        .removeIf(
            e -> {
              Judged judged = translation.groups().get(e.getKey());
              return judged == null
                  || judged.generation() != e.getValue().generation()
                  || now - e.getValue().since() > QUARANTINE_MILLIS;
            });
    quarantinedListeners
        .entrySet()
        .removeIf(
            e -> {
              Judged judged = translation.listeners().get(e.getKey());
              return judged == null
                  || judged.generation() != e.getValue().generation()
                  || now - e.getValue().since() > QUARANTINE_MILLIS;
            });
  }

  private void updateLinks(Set<URI> uris) {
    links
        .entrySet()
        .removeIf(
            e -> {
              if (uris.contains(e.getKey())) {
                return false;
              }
              log.info("data plane {} is gone", e.getKey());
              e.getValue().close();
              return true;
            });
    for (URI uri : uris) {
      if (!links.containsKey(uri)) {
        log.info("data plane {} found", uri);
        DataPlaneLink link = new DataPlaneLink(uri, client, executor, this);
        links.put(uri, link);
        link.start();
        if (desired != null) {
          link.offer(desired);
        }
      }
    }
    publishFromCaches();
  }

  private void publishFromCaches() {
    if (groups != null && listeners != null) {
      publish(groups.get().toList(), listeners.get().toList());
    }
  }

  /** Publishes a new view and triggers the reconciles whose inputs changed. */
  private void publish(List<BackendServerGroup> allGroups, List<Listener> allListeners) {
    long minAcked = Long.MAX_VALUE;
    for (DataPlaneLink link : links.values()) {
      minAcked = Math.min(minAcked, link.ackedVersion());
    }
    Served served = new Served(Map.of(), Map.of());
    if (!links.isEmpty()) {
      Map.Entry<Long, Served> floor = pushed.floorEntry(minAcked);
      if (floor != null) {
        served = floor.getValue();
        pushed.headMap(floor.getKey()).clear(); // no data plane is that far behind any more
      }
    }
    List<DataPlaneStatus> reports = new ArrayList<>();
    for (DataPlaneLink link : links.values()) {
      if (link.lastStatus() != null) {
        reports.add(link.lastStatus());
      }
    }
    View next =
        new View(
            translation,
            served,
            Map.copyOf(quarantinedGroups),
            Map.copyOf(quarantinedListeners),
            links.size(),
            desired == null ? 0 : desired.version(),
            HealthView.merge(reports));
    view = next;
    fireChanged(next, allGroups, allListeners);
  }

  private void fireChanged(
      View v, List<BackendServerGroup> allGroups, List<Listener> allListeners) {
    Map<ResourceKey, Object> groupInputs = new HashMap<>();
    Map<ResourceKey, BackendServerGroup> groupsByKey = new HashMap<>();
    for (BackendServerGroup group : allGroups) {
      ResourceKey key = ResourceKey.of(group);
      groupsByKey.put(key, group);
      Judged judged = v.translation().groups().get(key);
      long generation = judged == null ? -1 : judged.generation();
      groupInputs.put(
          key, List.of(String.valueOf(judged), groupProgramming(key, generation), health(key)));
    }
    Map<ResourceKey, Object> listenerInputs = new HashMap<>();
    for (Listener listener : allListeners) {
      ResourceKey key = ResourceKey.of(listener);
      Judged judged = v.translation().listeners().get(key);
      long generation = judged == null ? -1 : judged.generation();
      ResourceKey groupKey =
          new ResourceKey(
              key.namespace(),
              listener.getSpec() == null
                  ? ""
                  : String.valueOf(listener.getSpec().getBackendGroup()));
      int inService = MemberCounts.inService(groupsByKey.get(groupKey), health(groupKey));
      listenerInputs.put(
          key, List.of(String.valueOf(judged), listenerProgramming(key, generation), inService));
    }
    groupInputs.forEach(
        (key, inputs) -> {
          if (!Objects.equals(firedGroupInputs.get(key), inputs)) {
            groupTrigger.accept(key);
          }
        });
    listenerInputs.forEach(
        (key, inputs) -> {
          if (!Objects.equals(firedListenerInputs.get(key), inputs)) {
            listenerTrigger.accept(key);
          }
        });
    firedGroupInputs = groupInputs;
    firedListenerInputs = listenerInputs;
  }

  // ---- link events, from link threads; handled on the executor ----

  @Override
  public void applied(DataPlaneLink link, long version) {
    executor.execute(this::publishFromCaches);
  }

  @Override
  public void stale(DataPlaneLink link, long appliedVersion) {
    executor.execute(
        () -> {
          if (desired != null && appliedVersion >= desired.version()) {
            // The data plane serves a version from an earlier operator run with a faster
            // clock: continue numbering above it.
            lastVersion = appliedVersion;
            stamp(desired.snapshot());
          }
          publishFromCaches();
        });
  }

  @Override
  public void rejected(DataPlaneLink link, long version, List<String> errors) {
    executor.execute(
        () -> {
          if (desired == null || version != desired.version()) {
            return;
          }
          long now = clock.millis();
          for (String error : errors) {
            quarantine(error, desired.snapshot(), now);
          }
          sync();
        });
  }

  /** Maps an error such as {@code listeners[2].port: ...} back to the resource it is about. */
  private void quarantine(String error, Snapshot snapshot, long now) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("^(listeners|groups)\\[(\\d+)]").matcher(error);
    if (!m.find()) {
      log.warn("data plane error names no resource: {}", error);
      return;
    }
    int index = Integer.parseInt(m.group(2));
    String message = error.substring(error.indexOf(':') + 1).trim();
    if (m.group(1).equals("listeners") && index < snapshot.listeners().size()) {
      ResourceKey key = parse(snapshot.listeners().get(index).name());
      quarantinedListeners.put(
          key, new Quarantine(translation.listeners().get(key).generation(), message, now));
    } else if (m.group(1).equals("groups") && index < snapshot.groups().size()) {
      ResourceKey key = parse(snapshot.groups().get(index).name());
      quarantinedGroups.put(
          key, new Quarantine(translation.groups().get(key).generation(), message, now));
    }
    executor.schedule(this::requestSync, QUARANTINE_MILLIS + 1_000, TimeUnit.MILLISECONDS);
  }

  @Override
  public void status(DataPlaneLink link, DataPlaneStatus status) {
    executor.execute(this::publishFromCaches);
  }

  private static ResourceKey parse(String namespacedName) {
    int slash = namespacedName.indexOf('/');
    return new ResourceKey(namespacedName.substring(0, slash), namespacedName.substring(slash + 1));
  }

  @Override
  public void close() {
    endpoints.close();
    executor
        .submit(
            () -> {
              links.values().forEach(DataPlaneLink::close);
              links.clear();
            })
        .isDone();
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
