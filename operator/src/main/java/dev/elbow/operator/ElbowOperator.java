package dev.elbow.operator;

import dev.elbow.operator.expose.TrafficService;
import dev.elbow.operator.expose.TrafficServiceSpec;
import dev.elbow.operator.metrics.OperatorMetrics;
import dev.elbow.operator.push.DataPlaneClient;
import dev.elbow.operator.push.DataPlaneEndpoints;
import dev.elbow.operator.push.DesiredSnapshot;
import dev.elbow.operator.reconcile.BackendServerGroupReconciler;
import dev.elbow.operator.reconcile.ListenerReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The operator: two reconcilers and the coordinator that feeds the data planes. Start it in-process
 * with {@link #start} (as the tests do) or as a program with {@link OperatorMain}.
 */
public final class ElbowOperator implements AutoCloseable {

  private final Operator operator;
  private final ConfigCoordinator coordinator;
  private final ExecutorService httpExecutor;
  private final ExecutorService kubeWrites;
  private final ReferencedResources referenced;
  private final OperatorMetrics metrics;

  private ElbowOperator(
      Operator operator,
      ConfigCoordinator coordinator,
      ExecutorService httpExecutor,
      ExecutorService kubeWrites,
      ReferencedResources referenced,
      OperatorMetrics metrics) {
    this.metrics = metrics;
    this.operator = operator;
    this.coordinator = coordinator;
    this.httpExecutor = httpExecutor;
    this.kubeWrites = kubeWrites;
    this.referenced = referenced;
  }

  /**
   * Starts reconciling in every namespace the client can see and pushing to {@code dataPlanes}.
   *
   * @param adminToken the data planes' admin API token
   */
  public static ElbowOperator start(
      KubernetesClient client, DataPlaneEndpoints dataPlanes, String adminToken) {
    return start(client, dataPlanes, adminToken, Set.of());
  }

  /**
   * Starts reconciling the resources of some namespaces only.
   *
   * @param namespaces the namespaces to watch; empty means all
   */
  public static ElbowOperator start(
      KubernetesClient client,
      DataPlaneEndpoints dataPlanes,
      String adminToken,
      Set<String> namespaces) {
    return start(client, dataPlanes, adminToken, namespaces, Extras.NONE);
  }

  /**
   * What an installation adds: metrics, and the traffic Service kept in step with the Listeners.
   *
   * @param metrics where reconciles, snapshots and pushes are counted, or null
   * @param namespace the namespace of the data planes' admin Service (and of the traffic Service)
   * @param adminService the name of the data planes' admin Service
   * @param trafficService the traffic Service to keep, or null
   */
  public record Extras(
      OperatorMetrics metrics,
      String namespace,
      String adminService,
      TrafficServiceSpec trafficService) {
    /** No metrics, no traffic Service. */
    public static final Extras NONE = new Extras(null, null, null, null);
  }

  /** Starts reconciling with what an installation adds. */
  public static ElbowOperator start(
      KubernetesClient client,
      DataPlaneEndpoints dataPlanes,
      String adminToken,
      Set<String> namespaces,
      Extras extras) {
    Clock clock = Clock.systemUTC();
    ExecutorService httpExecutor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "elbow-dataplane-client");
              t.setDaemon(true);
              return t;
            });
    ConfigCoordinator coordinator =
        new ConfigCoordinator(new DataPlaneClient(adminToken, httpExecutor), dataPlanes, clock);
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client).withCloseClientOnStop(false);
              if (extras.metrics() != null) {
                o.withMetrics(extras.metrics());
              }
            });
    if (namespaces.isEmpty()) {
      operator.register(new BackendServerGroupReconciler(coordinator, clock));
      operator.register(new ListenerReconciler(coordinator, clock));
    } else {
      operator.register(
          new BackendServerGroupReconciler(coordinator, clock),
          o -> o.settingNamespaces(namespaces));
      operator.register(
          new ListenerReconciler(coordinator, clock), o -> o.settingNamespaces(namespaces));
    }
    operator.start(); // returns once every informer has synced its cache
    ReferencedResources referenced =
        new ReferencedResources(client, namespaces, coordinator::requestSync);
    coordinator.attachReferenced(referenced);
    // Events and readiness-gate conditions are written one at a time, off the coordinator.
    ExecutorService kubeWrites =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "elbow-kube-writes");
              t.setDaemon(true);
              return t;
            });
    coordinator.attachEvents(StatusEvents.writingWith(client, kubeWrites, clock));
    coordinator.attachReadinessGates(new PodReadinessGates(client, kubeWrites, clock));
    if (extras.metrics() != null) {
      coordinator.attachObserver(extras.metrics());
    }
    if (extras.trafficService() != null) {
      TrafficService traffic =
          new TrafficService(
              client,
              extras.namespace(),
              extras.adminService(),
              extras.trafficService(),
              kubeWrites);
      coordinator.attachObserver(
          new CoordinatorObserver() {
            @Override
            public void stamped(DesiredSnapshot snapshot) {
              traffic.follow(snapshot.snapshot().listeners());
            }
          });
    }
    coordinator.start();
    if (extras.metrics() != null) {
      extras.metrics().working(true);
    }
    return new ElbowOperator(
        operator, coordinator, httpExecutor, kubeWrites, referenced, extras.metrics());
  }

  @Override
  public void close() {
    if (metrics != null) {
      metrics.working(false);
    }
    // The coordinator first: stopping the informers empties their caches, and a snapshot made
    // from them then would take every listener off the data planes (a rolling upgrade of the
    // operator did, in HelmInstallNodeIT). What the data planes hold stays until a new leader
    // pushes.
    coordinator.close();
    operator.stop();
    referenced.close();
    httpExecutor.shutdownNow();
    kubeWrites.shutdownNow();
  }
}
