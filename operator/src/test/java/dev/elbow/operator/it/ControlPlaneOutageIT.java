package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.condition;
import static dev.elbow.operator.it.Resources.editRetrying;
import static dev.elbow.operator.it.Resources.listener;
import static dev.elbow.operator.it.Resources.loopbackHttpGroup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.ReliabilityRows;
import dev.elbow.dataplane.testing.SteadyLoad;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.operator.ElbowOperator;
import dev.elbow.operator.push.StaticDataPlaneEndpoints;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The control plane goes away while traffic flows: the operator killed, or the API server out of
 * reach for 30 s. The data plane keeps serving its last snapshot unchanged, and status catches up
 * with what changed meanwhile once the control plane is back.
 */
@Tag("reliability")
class ControlPlaneOutageIT {

  private KubernetesClient kube;
  private String namespace;
  private TestDataPlane dataPlane;
  private DemoBackend a;
  private DemoBackend b;
  private int port;

  @BeforeEach
  void serveAGroup() {
    kube = KubeCluster.client();
    namespace = KubeCluster.newNamespace("outage");
    dataPlane = TestDataPlane.start();
    a = DemoBackend.http("a", 0);
    b = DemoBackend.http("b", 0);
    port = FreePorts.next();
    kube.resource(loopbackHttpGroup(namespace, "web", a.port(), b.port())).create();
    kube.resource(listener(namespace, "web", ListenerProtocol.HTTP, port, "web")).create();
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    a.close();
    b.close();
  }

  private ElbowOperator operator(KubernetesClient client) {
    return ElbowOperator.start(
        client,
        new StaticDataPlaneEndpoints(Set.of(dataPlane.adminUri())),
        TestDataPlane.TOKEN,
        Set.of(namespace));
  }

  /** A clean stop in this JVM; OperatorProcessIT SIGKILLs an operator process. */
  @Test
  void theOperatorStopped() {
    ElbowOperator first = operator(kube);
    awaitGroupCaughtUp();
    SteadyLoad load = SteadyLoad.start(port, "/", 4, 200);
    long version = dataPlane.dataPlane().appliedVersion();

    first.close(); // its links, informers and pushes end with it
    long generation = changeAWeight();
    await().atMost(Duration.ofSeconds(20)).until(() -> load.sent() > 2_000);
    assertThat(dataPlane.dataPlane().appliedVersion()).isEqualTo(version);

    try (ElbowOperator second = operator(kube)) {
      awaitGroupCaughtUp();
      assertThat(observedGeneration()).isEqualTo(generation);
      assertThat(dataPlane.dataPlane().appliedVersion()).isGreaterThan(version);
      SteadyLoad.Result result = load.stop();
      assertThat(result.failed()).as(result.why()).isZero();
      ReliabilityRows.record(
          "operator stopped in-process (graceful close)",
          result.load(),
          "the operator stopped; a group edited while it was gone; a new operator started",
          result.sent(),
          result.failed(),
          "the data plane kept its snapshot, unchanged, until the new operator pushed the edit;"
              + " status caught up (observedGeneration, Ready). "
              + result.why());
    }
  }

  @Test
  void theApiServerOutOfReachForThirtySeconds() throws Exception {
    URI server = URI.create(kube.getConfiguration().getMasterUrl());
    try (TcpFaultProxy line =
        new TcpFaultProxy(new InetSocketAddress(server.getHost(), server.getPort()))) {
      Config config = Config.fromKubeconfig(KubeCluster.kubeconfig());
      config.setMasterUrl("https://" + server.getHost() + ":" + line.port());
      try (KubernetesClient throughLine = new KubernetesClientBuilder().withConfig(config).build();
          ElbowOperator operator = operator(throughLine)) {
        awaitGroupCaughtUp();
        SteadyLoad load = SteadyLoad.start(port, "/", 4, 200);
        long version = dataPlane.dataPlane().appliedVersion();

        line.cut();
        long cutAt = System.nanoTime();
        long generation = changeAWeight(); // written past the outage, straight to the API server
        await()
            .pollInterval(Duration.ofSeconds(1))
            .atMost(Duration.ofSeconds(40))
            .until(
                () -> {
                  assertThat(dataPlane.dataPlane().appliedVersion()).isEqualTo(version);
                  return System.nanoTime() - cutAt > Duration.ofSeconds(30).toNanos();
                });
        line.restore();

        await()
            .atMost(Duration.ofSeconds(90))
            .untilAsserted(() -> assertThat(observedGeneration()).isEqualTo(generation));
        awaitGroupCaughtUp();
        assertThat(dataPlane.dataPlane().appliedVersion()).isGreaterThan(version);
        SteadyLoad.Result result = load.stop();
        assertThat(result.failed()).as(result.why()).isZero();
        ReliabilityRows.record(
            "API server out of reach for 30 s",
            result.load(),
            "every operator connection to the API server reset and refused for 30 s; a group"
                + " edited meanwhile",
            result.sent(),
            result.failed(),
            "the data plane kept its snapshot, unchanged, through the outage; the operator"
                + " reconnected, pushed the edit and caught status up. "
                + result.why());
      }
    }
  }

  private long changeAWeight() {
    BackendServerGroup edited =
        editRetrying(
            kube.resources(BackendServerGroup.class).inNamespace(namespace).withName("web"),
            g -> {
              g.getSpec().getMembers().get(1).setWeight(3);
              return g;
            });
    return edited.getMetadata().getGeneration();
  }

  private long observedGeneration() {
    BackendServerGroup group =
        kube.resources(BackendServerGroup.class).inNamespace(namespace).withName("web").get();
    return group.getStatus() == null || group.getStatus().getObservedGeneration() == null
        ? -1
        : group.getStatus().getObservedGeneration();
  }

  private void awaitGroupCaughtUp() {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              BackendServerGroup group =
                  kube.resources(BackendServerGroup.class)
                      .inNamespace(namespace)
                      .withName("web")
                      .get();
              assertThat(group.getStatus()).isNotNull();
              assertThat(group.getStatus().getObservedGeneration())
                  .isEqualTo(group.getMetadata().getGeneration());
              assertThat(condition(group.getStatus().getConditions(), "Ready"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
            });
  }
}
