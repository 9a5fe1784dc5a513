package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.condition;
import static dev.elbow.operator.it.Resources.group;
import static dev.elbow.operator.it.Resources.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.HealthCheck;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.TcpTestClient;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.operator.ElbowOperator;
import dev.elbow.operator.push.ServiceDataPlaneEndpoints;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * In a cluster the operator finds the data planes as the ready endpoints of their Service. There is
 * no kubelet here, so the test writes the EndpointSlice a kubelet and the EndpointSlice controller
 * would: one data plane pod, ready or not.
 */
class DataPlaneDiscoveryIT {

  private static final String SERVICE = "elbow-dataplane";

  private KubernetesClient kube;
  private String namespace;
  private DemoBackend backend;
  private TestDataPlane dataPlane;
  private ElbowOperator operator;
  private int adminPort;
  private String podAddress;

  @BeforeEach
  void start() {
    kube = KubeCluster.client();
    namespace = KubeCluster.newNamespace("discovery");
    backend = DemoBackend.tcp("only", 0);
    // EndpointSlices refuse loopback addresses, so the "pod" is this host on its own address.
    podAddress = hostAddress();
    adminPort = FreePorts.next();
    dataPlane = TestDataPlane.start(podAddress, adminPort);
    operator =
        ElbowOperator.start(
            kube,
            new ServiceDataPlaneEndpoints(kube, namespace, SERVICE, "admin"),
            TestDataPlane.TOKEN,
            Set.of(namespace));
  }

  @AfterEach
  void stop() {
    operator.close();
    dataPlane.close();
    backend.close();
  }

  private static String hostAddress() {
    String address;
    try {
      address = NonLoopbackAddress.find();
    } catch (SocketException e) {
      throw new IllegalStateException(e);
    }
    return address;
  }

  private EndpointSlice slice(boolean ready) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(SERVICE + "-abcde")
        .addToLabels("kubernetes.io/service-name", SERVICE)
        .endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint()
        .withAddresses(podAddress)
        .withNewConditions()
        .withReady(ready)
        .endConditions()
        .endEndpoint()
        .addNewPort()
        .withName("admin")
        .withPort(adminPort)
        .withProtocol("TCP")
        .endPort()
        .build();
  }

  private Condition groupReady() {
    BackendServerGroup group =
        kube.resources(BackendServerGroup.class).inNamespace(namespace).withName("db").get();
    return group.getStatus() == null
        ? null
        : condition(group.getStatus().getConditions(), "Ready").orElse(null);
  }

  @Test
  void pushesToReadyDataPlanePodsAndAgainWhenOneRestarts() {
    int port = FreePorts.next();
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

    // No data plane pod is known yet: status says so.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(groupReady()).isNotNull();
              assertThat(groupReady().getReason()).isEqualTo("NoDataPlane");
            });

    kube.resource(slice(true)).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(groupReady().getStatus()).isEqualTo("True"));
    assertThat(TcpTestClient.backendOf(port)).isEqualTo("only");

    // The pod restarts and comes back empty: the operator sees the older version and pushes again.
    dataPlane.close();
    dataPlane = TestDataPlane.start(podAddress, adminPort);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> dataPlane.dataPlane().status().appliedVersion() > 0);
    assertThat(TcpTestClient.backendOf(port)).isEqualTo("only");

    // The pod stops being ready: it is no longer a data plane to serve from.
    kube.resource(slice(false)).update();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(groupReady().getReason()).isEqualTo("NoDataPlane"));
  }
}
