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
import dev.elbow.operator.push.StaticDataPlaneEndpoints;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A data plane process killed (SIGKILL) and started again: the new process is not ready until the
 * operator has pushed to it, and the operator pushes to it once it answers (how soon is recorded in
 * the row).
 */
@Tag("reliability")
class DataPlaneRestartIT {

  @Test
  void aRestartedDataPlaneIsNotReadyUntilTheOperatorPushes() throws Exception {
    KubernetesClient kube = KubeCluster.client();
    String namespace = KubeCluster.newNamespace("restart");
    int adminPort = FreePorts.next();
    int port = FreePorts.next();
    DataPlaneProcess first = DataPlaneProcess.start(adminPort);
    await().atMost(Duration.ofSeconds(30)).until(() -> first.probe("/healthz") == 200);
    try (DemoBackend backend = DemoBackend.http("a", 0);
        ElbowOperator operator =
            ElbowOperator.start(
                kube,
                new StaticDataPlaneEndpoints(Set.of(first.adminUri())),
                TestDataPlane.TOKEN,
                Set.of(namespace))) {
      kube.resource(loopbackHttpGroup(namespace, "web", backend.port())).create();
      kube.resource(listener(namespace, "web", ListenerProtocol.HTTP, port, "web")).create();
      awaitReady(kube, namespace);
      assertThat(first.probe("/readyz")).isEqualTo(200);

      first.kill();
      DataPlaneProcess second = DataPlaneProcess.start(adminPort);
      try {
        // Watch the new process come up: alive first, ready only once it has a snapshot.
        long alive = 0;
        long ready = 0;
        List<Integer> readinessBefore = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ready == 0 && System.nanoTime() < deadline) {
          if (alive == 0 && second.probe("/healthz") == 200) {
            alive = System.nanoTime();
          }
          if (alive != 0) {
            int readiness = second.probe("/readyz");
            if (readiness == 200) {
              ready = System.nanoTime();
            } else {
              readinessBefore.add(readiness);
            }
          }
          // Pacing a measurement that needs every intermediate answer, not waiting for a state.
          java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
        assertThat(ready)
            .as("the new data plane became ready; log:\n%s", second.output())
            .isPositive();
        Duration pushedAfter = Duration.ofNanos(ready - alive);
        // How soon is a figure for the row, not a pass mark (latency targets live in bench/).
        assertThat(readinessBefore).as("not ready before the push").containsOnly(503);

        SteadyLoad load = SteadyLoad.start(port, "/", 4, 200);
        await().atMost(Duration.ofSeconds(20)).until(() -> load.sent() >= 1000);
        SteadyLoad.Result result = load.stop();
        assertThat(result.failed()).as(result.why()).isZero();
        awaitReady(kube, namespace);
        ReliabilityRows.record(
            "data plane restarted",
            result.load() + " once the new process was ready",
            "the data plane process SIGKILLed, a new one started on the same ports",
            result.sent(),
            result.failed(),
            String.format(
                "the new process answered /readyz 503 until the operator pushed, %d ms after it"
                    + " answered /healthz. Requests while the only process was down are"
                    + " not counted: behind a Service the other replicas (the chart runs 2) serve"
                    + " them. %s",
                pushedAfter.toMillis(), result.why()));
      } finally {
        second.close();
      }
    }
  }

  private static void awaitReady(KubernetesClient kube, String namespace) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Listener served =
                  kube.resources(Listener.class).inNamespace(namespace).withName("web").get();
              assertThat(served.getStatus()).isNotNull();
              assertThat(condition(served.getStatus().getConditions(), "Ready"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
            });
  }
}
