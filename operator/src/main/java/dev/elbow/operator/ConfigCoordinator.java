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
import dev.elbow.operator.translate.References;
import dev.elbow.operator.translate.ResourceKey;
import dev.elbow.operator.translate.Translation;
import dev.elbow.operator.translate.Translator;
import dev.elbow.snapshot.DataPlaneStatus;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerState;
import dev.elbow.snapshot.MemberHealth;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.TlsCertificate;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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
 * back lands on the same thread, so none of this state needs a lock. After changes the coordinator
 * publishes a {@link ServingView} for the reconcilers and triggers exactly the reconciles whose
 * status inputs changed ({@link StatusTriggers}).
 */
public final class ConfigCoordinator implements DataPlaneLink.Events, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConfigCoordinator.class);
  private static final long DEBOUNCE_MILLIS = 50;
  private static final long PUBLISH_DEBOUNCE_MILLIS = 20;

  /** How long a data plane may take to answer before it counts as behind. */
  private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Versions kept for data planes that lag; older ones are forgotten. */
  private static final int MAX_PUSHED = 64;

  private final DataPlaneClient client;
  private final DataPlaneEndpoints endpoints;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final AtomicBoolean syncScheduled = new AtomicBoolean();
  private final AtomicBoolean publishScheduled = new AtomicBoolean();
  private final long startedNanos = System.nanoTime();
  private volatile boolean started;
  private volatile long lastSyncNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);

  private volatile Supplier<Stream<BackendServerGroup>> groups;
  private volatile Supplier<Stream<Listener>> listeners;
  private volatile Consumer<ResourceKey> groupTrigger = key -> {};
  private volatile Consumer<ResourceKey> listenerTrigger = key -> {};

  // Owned by the executor thread.
  private final Map<URI, DataPlaneLink> links = new HashMap<>();
  private final List<CoordinatorObserver> observers = new CopyOnWriteArrayList<>();
  private final TreeMap<Long, ServingView.Served> pushed = new TreeMap<>();
  private final StatusTriggers triggers = new StatusTriggers();
  private volatile ReferencedResources referenced;
  private volatile StatusEvents events = StatusEvents.none();
  private volatile PodReadinessGates gates;
  // Only the executor thread reads and writes it.
  private Map<String, List<TlsCertificate>> lastGoodCertificates = Map.of();
  private Translation translation = Translation.EMPTY;
  private DesiredSnapshot desired;
  private long lastVersion;
  private boolean synced;
  private volatile boolean closed;
  private String failure;

  private volatile ServingView view = ServingView.INITIAL;

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
   */
  public void attachGroups(
      Supplier<Stream<BackendServerGroup>> all, Consumer<ResourceKey> trigger) {
    this.groups = all;
    this.groupTrigger = trigger;
  }

  /** Adds something that follows new snapshots and pushes. */
  void attachObserver(CoordinatorObserver observer) {
    observers.add(observer);
  }

  /** Where Kubernetes Events about health changes and refused pushes go. */
  void attachEvents(StatusEvents events) {
    this.events = events;
  }

  /** Who sets the readiness gate of member pods that declare it. */
  void attachReadinessGates(PodReadinessGates gates) {
    this.gates = gates;
  }

  /** Connects the caches of the Secrets and ConfigMaps that listeners and groups name. */
  void attachReferenced(ReferencedResources referenced) {
    this.referenced = referenced;
  }

  private References references() {
    ReferencedResources current = referenced;
    if (current == null) {
      return References.NONE;
    }
    Map<String, List<TlsCertificate>> served = lastGoodCertificates;
    return new References(
        current::secret,
        current::configMap,
        listener -> served.getOrDefault(listener.toString(), List.of()),
        current::service,
        current::endpointSlices,
        current::pods);
  }

  /** What each HTTPS listener now serves: its fallback should its Secret turn bad. */
  private void rememberCertificates(Snapshot snapshot) {
    Map<String, List<TlsCertificate>> served = new HashMap<>();
    for (ListenerConfig listener : snapshot.listeners()) {
      if (!listener.certificates().isEmpty()) {
        served.put(listener.name(), listener.certificates());
      }
    }
    lastGoodCertificates = served;
  }

  /** Connects the listener cache and the way to trigger a listener's reconcile. */
  public void attachListeners(Supplier<Stream<Listener>> all, Consumer<ResourceKey> trigger) {
    this.listeners = all;
    this.listenerTrigger = trigger;
  }

  /**
   * Starts syncing and following the data plane endpoints. Call it once the informers of both kinds
   * have synced their caches.
   */
  public void start() {
    started = true;
    requestSync();
    endpoints.start(uris -> run(() -> updateLinks(uris)));
    // Even with no data plane answering, status is written once the grace period is over.
    executor.schedule(
        this::requestPublish,
        GRACE_NANOS + TimeUnit.MILLISECONDS.toNanos(100),
        TimeUnit.NANOSECONDS);
  }

  /**
   * Asks for a sync. A change after a quiet spell is synced at once; changes that follow within
   * {@link #DEBOUNCE_MILLIS} of a sync are gathered into one more sync at the end of that window,
   * so a burst of thousands of changes costs a few syncs, and a lone change no waiting.
   *
   * <p>Nothing is synced before {@link #start}: until then the informer caches may be partly
   * filled, and a snapshot made from them would take working listeners off the data planes.
   */
  public void requestSync() {
    if (!started || !syncScheduled.compareAndSet(false, true)) {
      return;
    }
    long sinceLast = System.nanoTime() - lastSyncNanos;
    long wait = Math.max(0, TimeUnit.MILLISECONDS.toNanos(DEBOUNCE_MILLIS) - sinceLast);
    executor.schedule(() -> run(this::sync), wait, TimeUnit.NANOSECONDS);
  }

  /** Asks for a new view soon; link reports in a burst make one. */
  private void requestPublish() {
    if (publishScheduled.compareAndSet(false, true)) {
      executor.schedule(
          () -> run(this::publishFromCaches), PUBLISH_DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Runs coordinator work, turning a failure into status instead of a silent dead thread. */
  private void run(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      log.error("coordinator failed; status will say so until the next sync succeeds", e);
      failure = e.toString();
      publishFromCaches();
    }
  }

  // ---- queries, from reconciler threads ----

  /** Whether status may be written: the data planes had their chance to answer. */
  public boolean settled() {
    return view.settled();
  }

  /** The latest verdict on a group, with the generation it judged; null if not judged yet. */
  public Judged groupVerdict(ResourceKey key) {
    return view.groupVerdict(key);
  }

  /** The latest verdict on a listener, with the generation it judged; null if not judged yet. */
  public Judged listenerVerdict(ResourceKey key) {
    return view.listenerVerdict(key);
  }

  public Programming groupProgramming(ResourceKey key, Judged current) {
    return view.groupProgramming(key, current);
  }

  public Programming listenerProgramming(ResourceKey key, Judged current) {
    return view.listenerProgramming(key, current);
  }

  /** The merged member health of a group, keyed by {@code address:port}. */
  /**
   * The listeners (by name, sorted) that forward to this group, from the listener cache; null until
   * the cache is attached.
   */
  public List<String> listenersUsing(ResourceKey group) {
    Supplier<Stream<Listener>> all = listeners;
    return all == null ? null : GroupUsers.of(group, all.get());
  }

  /** The group as last translated into a snapshot (members resolved), or null. */
  public GroupConfig groupConfig(ResourceKey group) {
    return view.translation().groupConfig(group);
  }

  public Map<String, MemberHealth> health(ResourceKey group) {
    return view.health(group);
  }

  /** How many data planes find each member of the group healthy, by {@code address:port}. */
  public Map<String, Integer> healthyCounts(ResourceKey group) {
    return view.healthyCounts(group);
  }

  /** How many data planes the operator pushes to. */
  public int dataPlanes() {
    return view.dataPlanes();
  }

  // ---- the work, on the executor thread ----

  private void sync() {
    syncScheduled.set(false);
    if (closed) {
      return;
    }
    lastSyncNanos = System.nanoTime();
    if (groups == null || listeners == null) {
      return; // the controllers are not registered yet
    }
    List<BackendServerGroup> allGroups = groups.get().toList();
    List<Listener> allListeners = listeners.get().toList();
    translation = Translator.translate(allGroups, allListeners, references());
    rememberCertificates(translation.snapshot());
    synced = true;
    failure = null;
    if (desired == null || !translation.snapshot().sameConfigAs(desired.snapshot())) {
      stamp(translation.snapshot());
    }
    publish(allGroups, allListeners);
  }

  /** Gives the snapshot a new version and sends it to every data plane. */
  private void stamp(Snapshot snapshot) {
    lastVersion = Math.max(lastVersion + 1, clock.millis());
    desired = DesiredSnapshot.of(snapshot.withVersion(lastVersion));
    pushed.put(lastVersion, served(desired.snapshot()));
    while (pushed.size() > MAX_PUSHED) {
      pushed.pollFirstEntry();
    }
    log.info(
        "snapshot {}: {} listeners, {} groups",
        lastVersion,
        snapshot.listeners().size(),
        snapshot.groups().size());
    observers.forEach(o -> o.stamped(desired));
    links.values().forEach(link -> link.offer(desired));
  }

  private ServingView.Served served(Snapshot snapshot) {
    Map<ResourceKey, Judged> servedGroups = new HashMap<>();
    for (GroupConfig group : snapshot.groups()) {
      ResourceKey key = ResourceKey.parse(group.name());
      servedGroups.put(key, translation.groups().get(key));
    }
    Map<ResourceKey, Judged> servedListeners = new HashMap<>();
    for (ListenerConfig listener : snapshot.listeners()) {
      ResourceKey key = ResourceKey.parse(listener.name());
      servedListeners.put(key, translation.listeners().get(key));
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
              observers.forEach(o -> o.gone(e.getKey()));
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
    requestPublish();
  }

  private void publishFromCaches() {
    publishScheduled.set(false);
    if (groups != null && listeners != null) {
      publish(groups.get().toList(), listeners.get().toList());
    }
  }

  /** Publishes a new view and, once settled, triggers the reconciles whose inputs changed. */
  private void publish(List<BackendServerGroup> allGroups, List<Listener> allListeners) {
    boolean linksSettled = links.values().stream().allMatch(link -> link.settled(GRACE_NANOS));
    boolean graceOver = System.nanoTime() - startedNanos > GRACE_NANOS;
    boolean settled = synced && ((!links.isEmpty() && linksSettled) || graceOver);

    // What every data plane serves: the oldest version among those that answered. A data plane
    // that has not had its chance yet (a pod just started) does not hold everyone back.
    ServingView.Served served = ServingView.Served.NONE;
    long oldest =
        links.values().stream()
            .filter(link -> link.settled(GRACE_NANOS))
            .mapToLong(DataPlaneLink::ackedVersion)
            .min()
            .orElse(-1);
    Map.Entry<Long, ServingView.Served> floor = oldest < 0 ? null : pushed.floorEntry(oldest);
    if (floor != null) {
      served = floor.getValue();
      pushed.headMap(floor.getKey()).clear(); // no data plane is that far behind any more
    }

    List<DataPlaneStatus> reports = new ArrayList<>();
    Map<String, String> closedPorts = new HashMap<>();
    for (DataPlaneLink link : links.values()) {
      DataPlaneStatus status = link.lastStatus();
      if (status != null) {
        reports.add(status);
        for (ListenerState state : status.listeners()) {
          if (!state.open()) {
            closedPorts.putIfAbsent(
                state.name(), "data plane " + link.uri() + ": " + state.reason());
          }
        }
      }
    }
    ServingView before = view;
    view =
        new ServingView(
            settled,
            translation,
            served,
            links.size(),
            blocked(),
            Map.copyOf(closedPorts),
            HealthView.merge(reports),
            HealthView.healthyCounts(reports));
    if (settled) {
      triggers.fire(view, allGroups, allListeners, groupTrigger, listenerTrigger);
      if (before.settled()) {
        events.between(before, view, allGroups, allListeners);
      }
      PodReadinessGates current = gates;
      if (current != null) {
        current.update(view.health(), referenced);
      }
    }
  }

  /** Why the newest snapshot is not everywhere yet, if something stands in its way. */
  private Programming blocked() {
    if (failure != null) {
      return new Programming(
          Programming.State.OPERATOR_ERROR,
          "the operator failed to sync: " + failure + "; see its log");
    }
    if (desired == null) {
      return null;
    }
    for (DataPlaneLink link : links.values()) {
      List<String> refused = link.rejection(desired.version());
      if (!refused.isEmpty()) {
        return new Programming(
            Programming.State.REJECTED,
            "data plane "
                + link.uri()
                + " refused the configuration: "
                + String.join("; ", refused));
      }
    }
    for (DataPlaneLink link : links.values()) {
      String error = link.error();
      if (error != null && link.ackedVersion() < desired.version()) {
        return new Programming(
            Programming.State.UNREACHABLE, "cannot reach data plane " + link.uri() + ": " + error);
      }
    }
    return null;
  }

  // ---- link events, from link threads; handled on the executor ----

  @Override
  public void changed(DataPlaneLink link) {
    long acked = link.ackedVersion();
    if (acked >= 0) {
      observers.forEach(o -> o.acked(link.uri(), acked));
    }
    requestPublish();
  }

  @Override
  public void pushed(DataPlaneLink link, long nanos, String outcome) {
    observers.forEach(o -> o.pushed(link.uri(), nanos, outcome));
  }

  @Override
  public void outnumbered(DataPlaneLink link, long version) {
    executor.execute(
        () ->
            run(
                () -> {
                  if (desired != null && version >= desired.version()) {
                    // The data plane serves a version from another operator run (its clock ran
                    // ahead): number above it, so this run's configuration goes out.
                    lastVersion = version;
                    stamp(desired.snapshot());
                  }
                }));
  }

  @Override
  public void close() {
    closed = true; // before anything else: no snapshot is made or pushed from here on
    endpoints.close();
    try {
      executor
          .submit(
              () -> {
                links.values().forEach(DataPlaneLink::close);
                links.clear();
              })
          .get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      log.warn("closing the data plane links failed", e);
    }
    executor.shutdownNow(); // drops pending debounced work and retries
  }
}
