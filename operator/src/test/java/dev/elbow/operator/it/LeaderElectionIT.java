package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.condition;
import static dev.elbow.operator.it.Resources.listener;
import static dev.elbow.operator.it.Resources.loopbackHttpGroup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.dataplane.testing.SteadyLoad;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.operator.ElbowOperator;
import dev.elbow.operator.LeaderElection;
import dev.elbow.operator.push.StaticDataPlaneEndpoints;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Operator replicas elected on a Lease: only one works at a time; when the leader dies without a
 * word the next takes over within the lease duration, and when a leader stops cleanly (releasing
 * the Lease) at once.
 */
@Tag("reliability")
class LeaderElectionIT {

  private static final Duration LEASE = Duration.ofSeconds(10);

  /** One operator process: its own API connection, campaigning, working while it leads. */
  private static final class Replica implements AutoCloseable {
    final String name;
    final KubernetesClient client;
    final KubernetesClient electorClient;
    final AtomicReference<ElbowOperator> working = new AtomicReference<>();
    final CompletableFuture<?> campaign;

    Replica(String name, String namespace, String watched, TestDataPlane dataPlane) {
      this.name = name;
      client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(KubeCluster.kubeconfig()))
              .build();
      LeaderElection election =
          new LeaderElection(
              namespace,
              "elbow-operator",
              name,
              LEASE,
              Duration.ofSeconds(8),
              Duration.ofSeconds(1));
      electorClient = election.failFastClient(client.getConfiguration());
      campaign =
          election.campaign(
              electorClient,
              () ->
                  working.set(
                      ElbowOperator.start(
                          client,
                          new StaticDataPlaneEndpoints(Set.of(dataPlane.adminUri())),
                          TestDataPlane.TOKEN,
                          Set.of(watched))),
              () -> {});
    }

    boolean works() {
      return working.get() != null;
    }

    /** Dies at once: stops working, and never renews nor releases the Lease. */
    void kill() {
      working.get().close();
      client.close();
      electorClient.close();
    }

    /** Stops cleanly: stops working and releases the Lease. */
    @Override
    public void close() {
      ElbowOperator operator = working.getAndSet(null);
      if (operator != null) {
        operator.close();
      }
      campaign.cancel(true);
      client.close();
      electorClient.close();
    }
  }

  @Test
  void oneReplicaWorksAndAnotherTakesOver() {
    String namespace = KubeCluster.newNamespace("leader");
    KubernetesClient kube = KubeCluster.client();
    try (TestDataPlane dataPlane = TestDataPlane.start();
        DemoBackend backend = DemoBackend.http("a", 0)) {
      kube.resource(loopbackHttpGroup(namespace, "web", backend.port())).create();
      Replica first = new Replica("first", namespace, namespace, dataPlane);
      await().atMost(Duration.ofSeconds(20)).until(first::works);
      Replica second = new Replica("second", namespace, namespace, dataPlane);
      Replica third = null;
      try {
        // The standby waits as long as the leader renews.
        await()
            .during(Duration.ofSeconds(4))
            .atMost(Duration.ofSeconds(6))
            .until(() -> !second.works());
        int port = servesAListener(kube, namespace, "one");
        SteadyLoad load = SteadyLoad.start(port, "/", 4, 200);

        long killed = System.nanoTime();
        first.kill();
        await().atMost(LEASE.plusSeconds(5)).until(second::works);
        assertThat(Duration.ofNanos(System.nanoTime() - killed))
            .as("the standby waited for the dead leader's Lease to run out")
            .isGreaterThan(LEASE.minusSeconds(3));
        servesAListener(kube, namespace, "two");

        third = new Replica("third", namespace, namespace, dataPlane);
        Replica standby = third;
        await()
            .during(Duration.ofSeconds(2))
            .atMost(Duration.ofSeconds(4))
            .until(() -> !standby.works());
        second.close(); // releases the Lease
        await().atMost(Duration.ofSeconds(4)).until(standby::works);
        servesAListener(kube, namespace, "three");
        SteadyLoad.Result result = load.stop();
        assertThat(result.failed()).as(result.why()).isZero();
        ReliabilityRows.record(
            "operator leader gone without releasing its Lease (three in-process replicas)",
            result.load(),
            "the leader's work and API client closed without releasing its Lease (10 s); later the"
                + " next leader stopped cleanly (OperatorProcessIT partitions a real process)",
            result.sent(),
            result.failed(),
            "only the Lease holder worked; a standby took over after the Lease ran out (killed) or"
                + " at once (released), and served new Listeners; the data plane served"
                + " throughout. "
                + result.why());
      } finally {
        second.close();
        if (third != null) {
          third.close();
        }
      }
    }
  }

  /** A new Listener is judged, pushed and Ready: some replica works. */
  private static int servesAListener(KubernetesClient kube, String namespace, String name) {
    int port = FreePorts.next();
    kube.resource(listener(namespace, name, ListenerProtocol.HTTP, port, "web")).create();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Listener served =
                  kube.resources(Listener.class).inNamespace(namespace).withName(name).get();
              assertThat(served.getStatus()).isNotNull();
              assertThat(condition(served.getStatus().getConditions(), "Ready"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
            });
    return port;
  }
}
