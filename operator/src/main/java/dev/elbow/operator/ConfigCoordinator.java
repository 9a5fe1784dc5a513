package dev.elbow.operator;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.operator.push.DataPlaneClient;
import dev.elbow.operator.push.DataPlaneEndpoints;
import dev.elbow.operator.push.DataPlaneLink;
import dev.elbow.operator.push.DesiredSnapshot;
import dev.elbow.operator.push.HealthView;
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
 * back (versions applied, health, refusals) lands on the same thread, so none of this state needs a
 * lock. After every change the coordinator publishes a {@link ServingView} for the reconcilers and
 * triggers exactly the reconciles whose status inputs changed ({@link StatusTriggers}).
 */
public final class ConfigCoordinator implements DataPlaneLink.Events, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConfigCoordinator.class);
  private static final long DEBOUNCE_MILLIS = 50;

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
  private final TreeMap<Long, ServingView.Served> pushed = new TreeMap<>();
  private final Refusals refusals = new Refusals();
  private final StatusTriggers triggers = new StatusTriggers();
  private Translation translation = Translation.EMPTY;
  private DesiredSnapshot desired;
  private long lastVersion;

  private volatile ServingView view = ServingView.EMPTY;

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

  /** Connects the listener cache and the way to trigger a listener's reconcile. */
  public void attachListeners(Supplier<Stream<Listener>> all, Consumer<ResourceKey> trigger) {
    this.listeners = all;
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

  /** A group as the operator's cache has it, or null. */
  public BackendServerGroup group(ResourceKey key) {
    return groupLookup.apply(key);
  }

  /** The latest verdict on a group, with the generation it judged; null if not judged yet. */
  public Judged groupVerdict(ResourceKey key) {
    return view.groupVerdict(key);
  }

  /** The latest verdict on a listener, with the generation it judged; null if not judged yet. */
  public Judged listenerVerdict(ResourceKey key) {
    return view.listenerVerdict(key);
  }

  public Programming groupProgramming(ResourceKey key, long generation) {
    return view.groupProgramming(key, generation);
  }

  public Programming listenerProgramming(ResourceKey key, long generation) {
    return view.listenerProgramming(key, generation);
  }

  /** The merged member health of a group, keyed by {@code address:port}. */
  public Map<String, MemberHealth> health(ResourceKey group) {
    return view.health(group);
  }

  // ---- the work, on the executor thread ----

  private void sync() {
    syncScheduled.set(false);
    if (groups == null || listeners == null) {
      return; // the controllers are not registered yet
    }
    List<BackendServerGroup> allGroups = groups.get().toList();
    List<Listener> allListeners = listeners.get().toList();
    translation = Translator.translate(allGroups, allListeners);
    refusals.release(translation, clock.millis());
    Snapshot snapshot = refusals.filter(translation.snapshot());
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

  private ServingView.Served served(Snapshot snapshot) {
    Map<ResourceKey, Long> servedGroups = new HashMap<>();
    for (GroupConfig group : snapshot.groups()) {
      ResourceKey key = ResourceKey.parse(group.name());
      servedGroups.put(key, translation.groups().get(key).generation());
    }
    Map<ResourceKey, Long> servedListeners = new HashMap<>();
    for (ListenerConfig listener : snapshot.listeners()) {
      ResourceKey key = ResourceKey.parse(listener.name());
      servedListeners.put(key, translation.listeners().get(key).generation());
    }
    return new ServingView.Served(servedGroups, servedListeners);
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
    ServingView.Served served = ServingView.Served.NONE;
    if (!links.isEmpty()) {
      long oldest =
          links.values().stream().mapToLong(DataPlaneLink::ackedVersion).min().orElseThrow();
      Map.Entry<Long, ServingView.Served> floor = pushed.floorEntry(oldest);
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
    view =
        new ServingView(
            translation,
            served,
            refusals.snapshot(),
            links.size(),
            desired == null ? 0 : desired.version(),
            HealthView.merge(reports));
    triggers.fire(view, allGroups, allListeners, groupTrigger, listenerTrigger);
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
            // The data plane serves a version from an earlier operator run with a faster clock:
            // continue numbering above it.
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
          List<String> unexplained =
              refusals.record(errors, desired.snapshot(), translation, clock.millis());
          if (!unexplained.isEmpty()) {
            log.error(
                "data plane {} refused snapshot {} for reasons no resource explains: {}",
                link.uri(),
                version,
                unexplained);
          }
          // Leave the refused resources out and try again; retry them once their time is up.
          executor.schedule(
              this::requestSync, Refusals.RETRY_AFTER_MILLIS + 1_000, TimeUnit.MILLISECONDS);
          sync();
        });
  }

  @Override
  public void status(DataPlaneLink link, DataPlaneStatus status) {
    executor.execute(this::publishFromCaches);
  }

  @Override
  public void close() {
    endpoints.close();
    executor.execute(
        () -> {
          links.values().forEach(DataPlaneLink::close);
          links.clear();
        });
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
