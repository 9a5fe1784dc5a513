package dev.elbow.operator;

import dev.elbow.operator.push.DataPlaneClient;
import dev.elbow.operator.push.DataPlaneEndpoints;
import dev.elbow.operator.reconcile.BackendServerGroupReconciler;
import dev.elbow.operator.reconcile.ListenerReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator: two reconcilers and the coordinator that feeds the data planes. Start it in-process
 * with {@link #start} (as the tests do) or as a program with {@link #main}, configured by {@link
 * OperatorSettings}.
 */
public final class ElbowOperator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ElbowOperator.class);

  private final Operator operator;
  private final ConfigCoordinator coordinator;
  private final ExecutorService httpExecutor;
  private final ExecutorService kubeWrites;
  private final ReferencedResources referenced;

  private ElbowOperator(
      Operator operator,
      ConfigCoordinator coordinator,
      ExecutorService httpExecutor,
      ExecutorService kubeWrites,
      ReferencedResources referenced) {
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
        new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
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
    coordinator.start();
    return new ElbowOperator(operator, coordinator, httpExecutor, kubeWrites, referenced);
  }

  @Override
  public void close() {
    operator.stop();
    referenced.close();
    coordinator.close();
    httpExecutor.shutdownNow();
    kubeWrites.shutdownNow();
  }

  public static void main(String[] args) throws InterruptedException {
    OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    ElbowOperator running =
        start(client, settings.dataPlanes(client), settings.adminToken(), settings.namespaces());
    log.info("elbow operator running; data planes: {}", settings.describeDataPlanes());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.close();
                  client.close();
                  stopped.countDown();
                }));
    stopped.await();
  }
}
