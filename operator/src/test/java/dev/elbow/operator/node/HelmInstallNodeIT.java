package dev.elbow.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.UpgradeCommand;
import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.SteadyLoad;
import dev.elbow.operator.chart.Chart;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A user's first steps on a real node: {@code helm install} with the images built here, then
 * backend pods, a BackendServerGroup taking them by selector with weights, and a Listener; traffic
 * goes from this machine to the node's NodePort, through kube-proxy to a data-plane pod, and on to
 * the backend pods. Every namespace enforces Pod Security "restricted".
 */
@Tag("node")
// Pods start JVMs on two shared cores: minutes, not the two the other tests are held to.
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HelmInstallNodeIT {

  private static final String SYSTEM = "elbow-system";
  private static final String APPS = "shop";

  /** A release named "elbow" names its objects elbow-operator, elbow-dataplane, ... */
  private static final String RELEASE = "elbow";

  /** The tag of the images a helm upgrade moves to. */
  private static final String NEXT_TAG = RealNode.IMAGE_TAG + "-next";

  private static RealNode node;
  private static KubernetesClient kube;

  @BeforeAll
  static void install() throws Exception {
    node = RealNode.get();
    kube = node.client();
    Chart.restrictedNamespace(kube, SYSTEM);
    Chart.restrictedNamespace(kube, APPS);
    // Installed as an earlier version of the chart (CRDs without printer columns) would be; the
    // upgrade scenario moves to this one and its CRDs.
    InstallCommand install =
        new Helm(Chart.withCrdsOfAnEarlierVersion())
            .install()
            .withName(RELEASE)
            .withNamespace(SYSTEM);
    VALUES.forEach(install::set);
    Release release = install.withKubeConfigContents(node.kubeconfig()).call();
    assertThat(release.getStatus()).isEqualTo("deployed");
  }

  @Test
  @Order(1)
  void theOperatorAndDataPlanePodsAreAdmittedUnderRestrictedAndBecomeReady() {
    awaitAvailable(SYSTEM, "elbow-operator", 2);
    awaitAvailable(SYSTEM, "elbow-dataplane", 2);
    assertThat(printerColumns("listeners.elbow.dev")).as("the earlier chart's CRD").isEmpty();
  }

  @Test
  @Order(2)
  void trafficThroughTheNodePortReachesBackendPodsByWeight() {
    apply(
        NodeManifests.backend("web-a", APPS)
            + "---\n"
            + NodeManifests.backend("web-b", APPS)
            + "---\n"
            + NodeManifests.groupAndListener(APPS));
    awaitAvailable(APPS, "web-a", 1);
    awaitAvailable(APPS, "web-b", 1);
    int port = nodePort();
    // Both members healthy in the data planes before counting.
    await()
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .until(
            () -> {
              Map<String, Integer> seen = byDeployment(count(port, 8));
              return seen.containsKey("web-a") && seen.containsKey("web-b");
            });
    Map<String, Integer> seen = byDeployment(count(port, 400));
    assertThat(seen.keySet()).containsExactlyInAnyOrder("web-a", "web-b");
    double ratio = (double) seen.get("web-b") / seen.get("web-a");
    assertThat(ratio).as("web-b (weight 3) to web-a (weight 1): %s", seen).isBetween(2.5, 3.5);
  }

  @Test
  @Order(3)
  void aRollingUpdateOfTheBackendsFailsNoRequest() {
    int port = nodePort();
    SteadyLoad load = SteadyLoad.start(RealNode.NODE_IP, port, "/", 4, 100);
    try {
      String now = Instant.now().toString();
      for (String name : new String[] {"web-a", "web-b"}) {
        kube.apps()
            .deployments()
            .inNamespace(APPS)
            .withName(name)
            .edit(
                d -> {
                  d.getSpec()
                      .getTemplate()
                      .getMetadata()
                      .getAnnotations()
                      .put("elbow.dev/restarted-at", now);
                  return d;
                });
      }
      for (String name : new String[] {"web-a", "web-b"}) {
        await().atMost(Duration.ofSeconds(180)).until(() -> rolledOut(APPS, name));
      }
      // The replaced pods have terminated; keep the load a little longer on the new ones.
      await().pollDelay(Duration.ofSeconds(5)).until(() -> true);
    } finally {
      noFailures("rolling update of the backend pods", load);
    }
  }

  @Test
  @Order(4)
  void aDataPlanePodDeletedUnderLoadFailsNoRequest() {
    SteadyLoad load = SteadyLoad.start(RealNode.NODE_IP, nodePort(), "/", 4, 100);
    try {
      await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
      String victim = dataPlanePods().get(0).getMetadata().getName();
      kube.pods().inNamespace(SYSTEM).withName(victim).delete();
      await()
          .atMost(Duration.ofSeconds(180))
          .until(
              () ->
                  kube.pods().inNamespace(SYSTEM).withName(victim).get() == null
                      && rolledOut(SYSTEM, "elbow-dataplane"));
      await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
    } finally {
      noFailures("a data-plane pod deleted (of two)", load);
    }
  }

  @Test
  @Order(5)
  void theLeaderOperatorSigkilledLeavesTrafficAloneAndAnOperatorLeadsAgain() throws Exception {
    SteadyLoad load = SteadyLoad.start(RealNode.NODE_IP, nodePort(), "/", 4, 100);
    try {
      Lease lease = kube.leases().inNamespace(SYSTEM).withName("elbow-operator").get();
      String leader = lease.getSpec().getHolderIdentity();
      Pod pod = kube.pods().inNamespace(SYSTEM).withName(leader).get();
      node.sigkill(pod.getStatus().getContainerStatuses().get(0).getContainerID());
      // The kill took: the kubelet restarts the container. Then an operator leads again (the
      // other replica once the Lease expires, or the restarted one) and serves changes: web-a
      // gets a second pod, which must start taking traffic.
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  kube.pods()
                          .inNamespace(SYSTEM)
                          .withName(leader)
                          .get()
                          .getStatus()
                          .getContainerStatuses()
                          .get(0)
                          .getRestartCount()
                      >= 1);
      kube.apps().deployments().inNamespace(APPS).withName("web-a").scale(2);
      awaitAvailable(APPS, "web-a", 2);
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .until(() -> backendPodsAnswering(nodePort()) >= 3);
    } finally {
      noFailures("the leading operator SIGKILLed", load);
    }
  }

  @Test
  @Order(6)
  void aReadinessGateKeepsAPodUnreadyUntilElbowFindsItHealthy() {
    // web-c's container passes the kubelet's probe, but Elbow checks a port nothing serves:
    // the pod must stay unready, however long it runs.
    apply(
        NodeManifests.backend("web-c", APPS)
                .replace(
                    "    spec:\n      terminationGracePeriodSeconds",
                    "    spec:\n      readinessGates: [{conditionType: elbow.dev/load-balancer-healthy}]\n"
                        + "      terminationGracePeriodSeconds")
            + "---\n"
            + gatedGroup(8081));
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> gate("web-c") != null && "False".equals(gate("web-c")));
    Pod pod = pod("web-c");
    assertThat(pod.getStatus().getContainerStatuses().get(0).getReady())
        .as("the container is ready by the kubelet's probe")
        .isTrue();
    assertThat(condition(pod, "Ready")).as("the pod is not, held by the gate").isEqualTo("False");
    // Elbow checks the port the pod serves: the gate, and with it the pod, turn Ready.
    apply(gatedGroup(8080));
    await().atMost(Duration.ofSeconds(120)).until(() -> "True".equals(gate("web-c")));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "True".equals(condition(pod("web-c"), "Ready")));
  }

  private static String gatedGroup(int checkPort) {
    return """
        apiVersion: elbow.dev/v1alpha1
        kind: BackendServerGroup
        metadata: {name: gated, namespace: %1$s}
        spec:
          protocol: HTTP
          podMembers: [{selector: {matchLabels: {app: web-c}}, port: 8080}]
          healthCheck: {port: %2$d, intervalSeconds: 2, timeoutSeconds: 1, healthyThreshold: 2, unhealthyThreshold: 2}
        """
        .formatted(APPS, checkPort);
  }

  private static Pod pod(String app) {
    return kube.pods().inNamespace(APPS).withLabel("app", app).list().getItems().get(0);
  }

  private static String gate(String app) {
    return condition(pod(app), "elbow.dev/load-balancer-healthy");
  }

  private static String condition(Pod pod, String type) {
    return pod.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .map(c -> c.getStatus())
        .findFirst()
        .orElse(null);
  }

  @Test
  @Order(7)
  void aHelmUpgradeToANewImageTagRollsTheDataPlaneWithoutAFailedRequest() throws Exception {
    node.importImages(NEXT_TAG);
    SteadyLoad load = SteadyLoad.start(RealNode.NODE_IP, nodePort(), "/", 4, 100);
    try {
      UpgradeCommand upgrade =
          new Helm(Chart.DIR).upgrade().withName(RELEASE).withNamespace(SYSTEM);
      VALUES.forEach(upgrade::set);
      Release release =
          upgrade.withKubeConfigContents(node.kubeconfig()).set("image.tag", NEXT_TAG).call();
      assertThat(release.getStatus()).isEqualTo("deployed");
      await()
          .atMost(Duration.ofSeconds(300))
          .until(
              () ->
                  rolledOut(SYSTEM, "elbow-dataplane")
                      && dataPlanePods().stream()
                          .allMatch(
                              p ->
                                  p.getSpec().getContainers().get(0).getImage().endsWith(NEXT_TAG)
                                      && p.getMetadata().getDeletionTimestamp() == null));
      awaitAvailable(SYSTEM, "elbow-operator", 2);
      await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
    } finally {
      noFailures("helm upgrade to a new image tag", load);
    }
    for (Pod pod : kube.pods().inNamespace(SYSTEM).list().getItems()) {
      for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
        assertThat(status.getRestartCount()).as(pod.getMetadata().getName()).isZero();
      }
    }
    // The CRDs are the chart's templates: the upgrade brought the new schema, printer columns too.
    for (String crd : List.of("listeners.elbow.dev", "backendservergroups.elbow.dev")) {
      CustomResourceDefinition committed =
          Serialization.unmarshal(
              Files.readString(RealNode.repository().resolve("crds/" + crd + ".yaml")),
              CustomResourceDefinition.class);
      assertThat(printerColumns(crd))
          .as(crd)
          .isNotEmpty()
          .extracting(c -> c.getName() + " " + c.getJsonPath())
          .isEqualTo(
              committed.getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
                  .map(c -> c.getName() + " " + c.getJsonPath())
                  .toList());
    }
  }

  @Test
  @Order(8)
  void aDataPlaneUnderHeavyLoadStaysInsideItsMemoryLimit() throws Exception {
    // 24 clients each sending 1 MiB bodies that the backends echo, as fast as they go.
    BulkLoad.Result result = BulkLoad.run(RealNode.NODE_IP, nodePort(), 24, 1 << 20, 40);
    System.out.println("heavy load: " + result.load() + ", failed " + result.failed());
    assertThat(result.failed()).as("%s: %s", result.load(), result.reasons()).isZero();
    assertThat(result.exchanges()).as(result.load()).isGreaterThan(200);
    for (Pod pod : dataPlanePods()) {
      ContainerStatus status = pod.getStatus().getContainerStatuses().get(0);
      assertThat(status.getRestartCount()).as(pod.getMetadata().getName()).isZero();
      RealNode.Memory memory = node.memory(status.getContainerID());
      System.out.printf(
          "%s: peak %d MiB of a %d MiB limit%n",
          pod.getMetadata().getName(), memory.peak() >> 20, memory.limit() >> 20);
      assertThat(memory.limit()).as("the chart's limit").isEqualTo(1L << 30);
      assertThat(memory.peak()).as(pod.getMetadata().getName()).isLessThan(memory.limit());
    }
  }

  private static List<CustomResourceColumnDefinition> printerColumns(String crd) {
    List<CustomResourceColumnDefinition> columns =
        kube.apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(crd)
            .get()
            .getSpec()
            .getVersions()
            .get(0)
            .getAdditionalPrinterColumns();
    return columns == null ? List.of() : columns;
  }

  /** The values every install and upgrade here uses: a NodePort, requests a small node fits. */
  private static final Map<String, String> VALUES =
      Map.of(
          "dataplane.service.type", "NodePort",
          "dataplane.resources.requests.cpu", "100m",
          "dataplane.resources.requests.memory", "256Mi",
          "operator.resources.requests.cpu", "50m",
          "operator.resources.requests.memory", "128Mi");

  /** Stops the load and fails unless every request got a 2xx; prints what the load was. */
  private static void noFailures(String what, SteadyLoad load) {
    SteadyLoad.Result result = load.stop();
    System.out.println(what + ": " + result.load() + ", failed " + result.failed());
    assertThat(result.failed()).as("%s: %s, %s", what, result.load(), result.why()).isZero();
  }

  private static List<Pod> dataPlanePods() {
    return kube.pods()
        .inNamespace(SYSTEM)
        .withLabel("app.kubernetes.io/component", "dataplane")
        .list()
        .getItems();
  }

  /** Answers per Deployment: a pod "web-a-5b6cb79c87-wgz4n" counts for "web-a". */
  private static Map<String, Integer> byDeployment(Map<String, Integer> byPod) {
    Map<String, Integer> out = new TreeMap<>();
    byPod.forEach((pod, n) -> out.merge(pod.substring(0, 5), n, Integer::sum));
    return out;
  }

  /** How many backend pods answer among 40 requests. */
  private static int backendPodsAnswering(int port) {
    return count(port, 40).size();
  }

  private static void apply(String yaml) {
    kube.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).serverSideApply();
  }

  /** The traffic Service's node port for the Listener's port, once the operator has made it. */
  private static int nodePort() {
    String name = "elbow-dataplane";
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Service service = kube.services().inNamespace(SYSTEM).withName(name).get();
              if (service == null) {
                return null;
              }
              return service.getSpec().getPorts().stream()
                  .filter(p -> p.getPort() == 8080 && p.getNodePort() != null)
                  .map(ServicePort::getNodePort)
                  .findFirst()
                  .orElse(null);
            },
            p -> p != null);
  }

  private static Map<String, Integer> count(int port, int requests) {
    Map<String, Integer> seen = new TreeMap<>();
    for (int i = 0; i < requests; i++) {
      seen.merge(RawHttp.backendOf(RealNode.NODE_IP, port, "/"), 1, Integer::sum);
    }
    return seen;
  }

  private static void awaitAvailable(String namespace, String name, int replicas) {
    await()
        .atMost(Duration.ofSeconds(240))
        .until(
            () -> {
              Deployment d = kube.apps().deployments().inNamespace(namespace).withName(name).get();
              return d != null
                  && d.getStatus() != null
                  && d.getStatus().getAvailableReplicas() != null
                  && d.getStatus().getAvailableReplicas() >= replicas;
            });
  }

  private static boolean rolledOut(String namespace, String name) {
    Deployment d = kube.apps().deployments().inNamespace(namespace).withName(name).get();
    var status = d.getStatus();
    return status != null
        && status.getObservedGeneration() != null
        && status.getObservedGeneration() >= d.getMetadata().getGeneration()
        && d.getSpec().getReplicas().equals(status.getUpdatedReplicas())
        && d.getSpec().getReplicas().equals(status.getAvailableReplicas())
        && d.getSpec().getReplicas().equals(status.getReplicas());
  }
}
