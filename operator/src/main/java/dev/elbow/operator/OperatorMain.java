package dev.elbow.operator;

import dev.elbow.operator.metrics.OperatorHttpServer;
import dev.elbow.operator.metrics.OperatorMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator as a program, configured by environment variables ({@link OperatorSettings}, {@link
 * InstallSettings}): serves metrics and probes, then works at once or, with leader election, once
 * it holds the Lease. A replica that loses the Lease exits, so that its restart campaigns afresh
 * instead of working beside the new leader.
 */
public final class OperatorMain {

  private static final Logger log = LoggerFactory.getLogger(OperatorMain.class);

  private OperatorMain() {}

  /**
   * Exits with {@code code}, running the shutdown hooks (which stop the work first), but halts
   * anyway after half a second: a replica that lost its Lease must stop working before the lease
   * runs out for the others, whatever a hook waiting on an unreachable API server does.
   */
  private static void exitSoon(int code) {
    Thread halt =
        new Thread(
            () -> {
              try {
                Thread.sleep(500);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              Runtime.getRuntime().halt(code);
            },
            "halt-after-lost-lease");
    halt.setDaemon(true);
    halt.start();
    new Thread(() -> System.exit(code), "exit-after-lost-lease").start();
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    OperatorSettings settings;
    InstallSettings install;
    try {
      settings = OperatorSettings.fromEnvironment(env);
      install = InstallSettings.fromEnvironment(env, settings.serviceNamespace());
    } catch (IllegalArgumentException e) {
      System.err.println("elbow operator: " + e.getMessage());
      System.exit(2);
      return;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    String adminToken;
    try {
      adminToken = settings.adminToken(client);
    } catch (IllegalStateException e) {
      System.err.println("elbow operator: " + e.getMessage());
      System.exit(2);
      return;
    }
    OperatorMetrics metrics = new OperatorMetrics();
    AtomicReference<ElbowOperator> running = new AtomicReference<>();
    AtomicBoolean ready = new AtomicBoolean();
    AtomicBoolean stopping = new AtomicBoolean();
    OperatorHttpServer http = OperatorHttpServer.start(install.metricsPort(), metrics, ready::get);
    ElbowOperator.Extras extras =
        new ElbowOperator.Extras(
            metrics, settings.serviceNamespace(), settings.serviceName(), install.trafficService());
    Runnable work =
        () -> {
          running.set(
              ElbowOperator.start(
                  client, settings.dataPlanes(client), adminToken, settings.namespaces(), extras));
          ready.set(true);
          log.info("elbow operator working; data planes: {}", settings.describeDataPlanes());
        };
    CompletableFuture<?> campaign = null;
    if (install.leaderElection() == null) {
      work.run();
    } else {
      LeaderElection election = install.leaderElection();
      log.info(
          "elbow operator {} campaigning for Lease {}/{}",
          election.identity(),
          election.namespace(),
          election.name());
      ready.set(true); // a standby is ready: waiting for the Lease is its job
      campaign =
          election.campaign(
              election.failFastClient(client.getConfiguration()), // closed with the process
              work,
              () -> {
                if (!stopping.get()) {
                  log.error("lost the leader Lease; exiting so that a restart campaigns again");
                  exitSoon(1);
                }
              });
    }
    CountDownLatch stopped = new CountDownLatch(1);
    CompletableFuture<?> elected = campaign;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping.set(true);
                  ElbowOperator operator = running.get();
                  if (operator != null) {
                    operator.close();
                  }
                  if (elected != null) {
                    elected.cancel(true); // releases the Lease: a standby takes over at once
                  }
                  http.close();
                  client.close();
                  stopped.countDown();
                }));
    stopped.await();
  }
}
