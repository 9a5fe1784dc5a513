package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.check;
import static dev.elbow.operator.it.Resources.condition;
import static dev.elbow.operator.it.Resources.group;
import static dev.elbow.operator.it.Resources.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.HealthCheckProtocol;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.api.v1alpha1.MemberStatus;
import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.HttpTestClient;
import dev.elbow.dataplane.testing.TcpTestClient;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.operator.ElbowOperator;
import dev.elbow.operator.push.StaticDataPlaneEndpoints;
import dev.elbow.snapshot.HealthState;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole path, for real: resources applied to a real API server, the operator reconciling them
 * in this JVM and pushing to a data plane on loopback, traffic balanced over live backends, and
 * health coming back into status. The steps build on each other, so they run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {

  private static final int INTERVAL = 2;
  private static final int UNHEALTHY_THRESHOLD = 2;

  private static KubernetesClient kube;
  private static String namespace;
  private static TestDataPlane dataPlane;
  private static ElbowOperator operator;
  private static final List<DemoBackend> httpBackends = new java.util.ArrayList<>();
  private static final List<DemoBackend> tcpBackends = new java.util.ArrayList<>();
  private static int httpPort;
  private static int tcpPort;
  private final HttpTestClient http = new HttpTestClient();

  @BeforeAll
  static void start() {
    kube = KubeCluster.client();
    namespace = KubeCluster.newNamespace("e2e");
    for (String name : List.of("a", "b", "c")) {
      httpBackends.add(DemoBackend.http(name, 0));
      tcpBackends.add(DemoBackend.tcp(name, 0));
    }
    dataPlane = TestDataPlane.start();
    operator =
        ElbowOperator.start(
            kube,
            new StaticDataPlaneEndpoints(Set.of(dataPlane.adminUri())),
            TestDataPlane.TOKEN,
            Set.of(namespace));
    httpPort = FreePorts.next();
    tcpPort = FreePorts.next();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (dataPlane != null) {
      dataPlane.close();
    }
    httpBackends.forEach(DemoBackend::close);
    tcpBackends.forEach(DemoBackend::close);
  }

  private static List<Member> weighted(List<DemoBackend> backends) {
    return List.of(
        new Member("127.0.0.1", backends.get(0).port(), 1),
        new Member("127.0.0.1", backends.get(1).port(), 2),
        new Member("127.0.0.1", backends.get(2).port(), 3));
  }

  @Test
  @Order(1)
  void appliedResourcesBecomeReadyWithThreeHealthyMembers() {
    kube.resource(
            group(
                namespace,
                "web",
                BackendProtocol.HTTP,
                check(INTERVAL, 1, 2, UNHEALTHY_THRESHOLD, "/healthz"),
                weighted(httpBackends)))
        .create();
    BackendServerGroup db =
        group(
            namespace,
            "db",
            BackendProtocol.TCP,
            check(INTERVAL, 1, 2, UNHEALTHY_THRESHOLD, null),
            weighted(tcpBackends));
    db.getSpec().getHealthCheck().setProtocol(HealthCheckProtocol.TCP);
    kube.resource(db).create();
    kube.resource(listener(namespace, "web", ListenerProtocol.HTTP, httpPort, "web")).create();
    kube.resource(listener(namespace, "db", ListenerProtocol.TCP, tcpPort, "db")).create();

    for (String name : List.of("web", "db")) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                BackendServerGroup group = groupNamed(name);
                assertThat(group.getStatus()).isNotNull();
                assertThat(group.getStatus().getObservedGeneration())
                    .isEqualTo(group.getMetadata().getGeneration());
                assertThat(group.getStatus().getMembers())
                    .extracting(MemberStatus::getHealth)
                    .containsOnly("Healthy")
                    .hasSize(3);
                assertThat(group.getStatus().getHealthy()).isEqualTo("3/3");
                assertThat(conditionOf(group.getStatus().getConditions(), "Accepted").getStatus())
                    .isEqualTo("True");
                assertThat(conditionOf(group.getStatus().getConditions(), "Ready").getStatus())
                    .isEqualTo("True");
              });
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Listener listener = listenerNamed(name);
                assertThat(listener.getStatus()).isNotNull();
                assertThat(listener.getStatus().getObservedGeneration())
                    .isEqualTo(listener.getMetadata().getGeneration());
                assertThat(
                        conditionOf(listener.getStatus().getConditions(), "Accepted").getStatus())
                    .isEqualTo("True");
                assertThat(conditionOf(listener.getStatus().getConditions(), "Ready").getStatus())
                    .isEqualTo("True");
              });
    }
  }

  @Test
  @Order(2)
  void httpRequestsSplitByWeight() {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 600; i++) {
      counts.merge(http.backendOf(httpUri()), 1, Integer::sum);
    }
    assertSplit(counts);
  }

  @Test
  @Order(3)
  void tcpConnectionsSplitByWeight() {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 600; i++) {
      counts.merge(TcpTestClient.backendOf(tcpPort), 1, Integer::sum);
    }
    assertSplit(counts);
  }

  /** 1:2:3 is 16.7%, 33.3% and 50% of 600; each must be within 5 percentage points. */
  private static void assertSplit(Map<String, Integer> counts) {
    assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(600);
    assertThat(counts.get("a") / 6.0)
        .isCloseTo(100 / 6.0, org.assertj.core.data.Offset.offset(5.0));
    assertThat(counts.get("b") / 6.0)
        .isCloseTo(200 / 6.0, org.assertj.core.data.Offset.offset(5.0));
    assertThat(counts.get("c") / 6.0)
        .isCloseTo(300 / 6.0, org.assertj.core.data.Offset.offset(5.0));
  }

  @Test
  @Order(4)
  void aStoppedMemberTurnsUnhealthyAndGetsNoMoreRequestsWhileNoRequestFails() {
    DemoBackend b = httpBackends.get(1);
    for (int i = 0; i < 20; i++) {
      http.backendOf(httpUri()); // warm keep-alive connections to every member
    }
    long stoppedAt = System.nanoTime();
    b.stop();
    // Requests right after the stop, before any health check noticed: none may fail.
    for (int i = 0; i < 100; i++) {
      assertThat(http.backendOf(httpUri())).isIn("a", "c");
    }
    // The data plane sees it within interval x threshold (+ one interval of phase), status follows
    // within 2 s of that.
    await()
        .atMost(Duration.ofSeconds((long) INTERVAL * UNHEALTHY_THRESHOLD + INTERVAL))
        .until(() -> dataPlaneHealth(b.port()) == HealthState.UNHEALTHY);
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(
            () -> assertThat(memberStatus("web", b.port()).getHealth()).isEqualTo("Unhealthy"));
    assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt))
        .isLessThanOrEqualTo(
            Duration.ofSeconds((long) INTERVAL * UNHEALTHY_THRESHOLD + INTERVAL + 2));
    // Passive health ejects it first (5 refused connects in a row); the active checks' reason
    // takes over once they fail too.
    await()
        .atMost(Duration.ofSeconds((long) INTERVAL * UNHEALTHY_THRESHOLD + INTERVAL + 2))
        .untilAsserted(
            () ->
                assertThat(memberStatus("web", b.port()).getReason())
                    .isEqualTo("connection refused"));
    assertThat(groupNamed("web").getStatus().getHealthy()).isEqualTo("2/3");

    // Bring the process back, but failing its health check: it must stay out of rotation, and
    // since it is up, any request sent to it would be counted.
    b.healthStatus(503);
    b.start();
    int servedBefore = b.served();
    for (int i = 0; i < 100; i++) {
      assertThat(http.backendOf(httpUri())).isIn("a", "c");
    }
    assertThat(b.served()).isEqualTo(servedBefore);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(memberStatus("web", b.port()).getReason()).isEqualTo("HTTP 503"));

    // Healthy again: back in rotation, and in status.
    b.healthStatus(200);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> assertThat(memberStatus("web", b.port()).getHealth()).isEqualTo("Healthy"));
  }

  @Test
  @Order(5)
  void aListenerToAMissingGroupIsNotAcceptedAndChangesNothingElse() {
    long versionBefore = dataPlane.dataPlane().status().appliedVersion();
    int orphanPort = FreePorts.next();
    kube.resource(listener(namespace, "orphan", ListenerProtocol.HTTP, orphanPort, "nowhere"))
        .create();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Listener orphan = listenerNamed("orphan");
              assertThat(orphan.getStatus()).isNotNull();
              Condition accepted = conditionOf(orphan.getStatus().getConditions(), "Accepted");
              assertThat(accepted.getStatus()).isEqualTo("False");
              assertThat(accepted.getReason()).isEqualTo("GroupNotFound");
              assertThat(accepted.getMessage())
                  .contains("spec.backendGroup", "\"nowhere\"", namespace);
              assertThat(conditionOf(orphan.getStatus().getConditions(), "Ready").getStatus())
                  .isEqualTo("False");
            });
    assertThat(dataPlane.dataPlane().status().appliedVersion()).isEqualTo(versionBefore);
    assertThat(dataPlane.dataPlane().openPorts()).containsExactlyInAnyOrder(httpPort, tcpPort);
    assertThat(http.backendOf(httpUri())).isIn("a", "b", "c");
    assertThat(TcpTestClient.backendOf(tcpPort)).isIn("a", "b", "c");
    assertThat(conditionOf(listenerNamed("web").getStatus().getConditions(), "Ready").getStatus())
        .isEqualTo("True");
  }

  @Test
  @Order(6)
  void aListenerOnAPortTakenOutsideIsReportedAndTheRestStillApplies() throws Exception {
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int taken = squatter.getLocalPort();
      kube.resource(listener(namespace, "squatted", ListenerProtocol.TCP, taken, "db")).create();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Listener squatted = listenerNamed("squatted");
                assertThat(squatted.getStatus()).isNotNull();
                Condition ready = conditionOf(squatted.getStatus().getConditions(), "Ready");
                assertThat(ready.getStatus()).isEqualTo("False");
                assertThat(ready.getReason()).isEqualTo("PortUnavailable");
                assertThat(ready.getMessage()).contains("cannot listen on TCP 127.0.0.1:" + taken);
              });
      // The refused listener does not hold up the others: a new one is served.
      int other = FreePorts.next();
      kube.resource(listener(namespace, "db2", ListenerProtocol.TCP, other, "db")).create();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          conditionOf(listenerNamed("db2").getStatus().getConditions(), "Ready")
                              .getStatus())
                      .isEqualTo("True"));
      assertThat(TcpTestClient.backendOf(other)).isIn("a", "b", "c");
      kube.resource(listenerNamed("squatted")).delete();
      kube.resource(listenerNamed("db2")).delete();
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () ->
                  assertThat(dataPlane.dataPlane().openPorts())
                      .containsExactlyInAnyOrder(httpPort, tcpPort));
    }
  }

  @Test
  @Order(7)
  void deletingAListenerClosesItsPort() {
    kube.resource(listenerNamed("web")).delete();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> assertThat(dataPlane.dataPlane().openPorts()).containsExactly(tcpPort));
    assertThatThrownBy(() -> http.get(httpUri())).isInstanceOf(UncheckedIOException.class);
    assertThat(TcpTestClient.backendOf(tcpPort)).isIn("a", "b", "c");
  }

  private URI httpUri() {
    return URI.create("http://127.0.0.1:" + httpPort + "/");
  }

  private static BackendServerGroup groupNamed(String name) {
    return kube.resources(BackendServerGroup.class).inNamespace(namespace).withName(name).get();
  }

  private static Listener listenerNamed(String name) {
    return kube.resources(Listener.class).inNamespace(namespace).withName(name).get();
  }

  private static Condition conditionOf(List<Condition> conditions, String type) {
    return condition(conditions, type)
        .orElseThrow(() -> new AssertionError("no " + type + " condition"));
  }

  private static MemberStatus memberStatus(String group, int port) {
    return groupNamed(group).getStatus().getMembers().stream()
        .filter(m -> m.getPort() == port)
        .findFirst()
        .orElseThrow();
  }

  private static HealthState dataPlaneHealth(int port) {
    return dataPlane.dataPlane().status().groups().stream()
        .filter(g -> g.name().equals(namespace + "/web"))
        .flatMap(g -> g.members().stream())
        .filter(m -> m.port() == port)
        .findFirst()
        .orElseThrow()
        .state();
  }
}
