package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.condition;
import static dev.elbow.operator.it.Resources.group;
import static dev.elbow.operator.it.Resources.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.HealthCheck;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.TcpTestClient;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.operator.ElbowOperator;
import dev.elbow.operator.push.StaticDataPlaneEndpoints;
import dev.elbow.snapshot.Snapshot;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What users must not notice: operator restarts, version clashes; and what they must: outages. */
class OperatorResilienceIT {

  private KubernetesClient kube;
  private String namespace;
  private DemoBackend backend;
  private TestDataPlane dataPlane;
  private int port;

  @BeforeEach
  void start() {
    kube = KubeCluster.client();
    namespace = KubeCluster.newNamespace("resilience");
    backend = DemoBackend.tcp("only", 0);
    dataPlane = TestDataPlane.start();
    port = FreePorts.next();
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    backend.close();
  }

  private ElbowOperator operator(URI dataPlaneUri) {
    return ElbowOperator.start(
        kube,
        new StaticDataPlaneEndpoints(Set.of(dataPlaneUri)),
        TestDataPlane.TOKEN,
        Set.of(namespace));
  }

  private void createResources() {
    HealthCheck off = new HealthCheck();
    off.setEnabled(false);
    kube.resource(
            group(
                namespace,
                "db",
                BackendProtocol.TCP,
                off,
                List.of(new Member("127.0.0.1", backend.port(), 1))))
        .create();
    kube.resource(listener(namespace, "db", ListenerProtocol.TCP, port, "db")).create();
  }

  /** The Ready condition's status, or "none" before one is written. */
  private String listenerReadyStatus() {
    Condition ready = listenerReady();
    return ready == null ? "none" : ready.getStatus();
  }

  private Condition listenerReady() {
    Listener listener = kube.resources(Listener.class).inNamespace(namespace).withName("db").get();
    return listener.getStatus() == null
        ? null
        : condition(listener.getStatus().getConditions(), "Ready").orElse(null);
  }

  @Test
  void aRestartedOperatorNeitherFlipsStatusNorLosesTraffic() throws Exception {
    // A data plane that serves a version from a run whose clock was far ahead.
    dataPlane.apply(new Snapshot(Long.MAX_VALUE / 2, List.of(), List.of()));
    createResources();
    try (ElbowOperator first = operator(dataPlane.adminUri())) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(listenerReadyStatus()).isEqualTo("True"));
    }
    assertThat(TcpTestClient.backendOf(port)).isEqualTo("only");
    String since = listenerReady().getLastTransitionTime();
    long servedVersion = dataPlane.dataPlane().status().appliedVersion();
    assertThat(servedVersion).isGreaterThan(Long.MAX_VALUE / 2);

    List<String> seen = new CopyOnWriteArrayList<>();
    AtomicInteger refused = new AtomicInteger();
    AtomicBoolean probing = new AtomicBoolean(true);
    // Round trips through the listener the whole time the second operator starts: a snapshot made
    // from half-filled caches would close the port, and a connect would fail. One at a time, each
    // answered before the next: a bare connect loop floods the accept queue faster than anything
    // can serve it, and runs the test JVM out of file descriptors.
    Thread prober =
        new Thread(
            () -> {
              while (probing.get()) {
                try {
                  TcpTestClient.backendOf(port);
                } catch (UncheckedIOException e) {
                  refused.incrementAndGet();
                }
              }
            });
    prober.start();
    try (Watch watch =
            kube.resources(Listener.class).inNamespace(namespace).watch(new Recorder(seen));
        ElbowOperator second = operator(dataPlane.adminUri())) {
      // The new run pushes its own version of the same configuration...
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> dataPlane.dataPlane().status().appliedVersion() > servedVersion);
      // ...and status stays as it was the whole time.
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(listenerReadyStatus()).isEqualTo("True");
                assertThat(listenerReady().getLastTransitionTime()).isEqualTo(since);
              });
      assertThat(seen).doesNotContain("False");
      assertThat(TcpTestClient.backendOf(port)).isEqualTo("only");
    } finally {
      probing.set(false);
      prober.join();
    }
    assertThat(refused).hasValue(0);
  }

  @Test
  void anUnreachableDataPlaneIsReportedInStatus() {
    createResources();
    URI nobody = URI.create("http://127.0.0.1:" + FreePorts.next());
    try (ElbowOperator operator = operator(nobody)) {
      await()
          .atMost(Duration.ofSeconds(40))
          .untilAsserted(
              () -> {
                Condition ready = listenerReady();
                assertThat(ready).isNotNull();
                assertThat(ready.getStatus()).isEqualTo("False");
                assertThat(ready.getReason()).isEqualTo("DataPlaneUnreachable");
                assertThat(ready.getMessage()).contains(nobody.toString());
              });
      // The group's status is written by its own reconcile (after its finalizer is added, since
      // the listener uses it): wait for it as for the listener's.
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                BackendServerGroup group =
                    kube.resources(BackendServerGroup.class)
                        .inNamespace(namespace)
                        .withName("db")
                        .get();
                assertThat(group.getStatus()).isNotNull();
                assertThat(
                        condition(group.getStatus().getConditions(), "Ready")
                            .orElseThrow()
                            .getReason())
                    .isEqualTo("DataPlaneUnreachable");
              });
    }
  }

  /** Records the Ready status of every listener update it sees. */
  private static final class Recorder implements Watcher<Listener> {
    private final List<String> seen;

    Recorder(List<String> seen) {
      this.seen = seen;
    }

    @Override
    public void eventReceived(Action action, Listener listener) {
      if (listener.getStatus() != null) {
        condition(listener.getStatus().getConditions(), "Ready")
            .ifPresent(c -> seen.add(c.getStatus()));
      }
    }

    @Override
    public void onClose(WatcherException cause) {}
  }
}
