package dev.elbow.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.UpgradeCommand;
import dev.elbow.dataplane.testing.SteadyLoad;
import dev.elbow.operator.chart.Chart;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
  private static NodeCluster cluster;

  @BeforeAll
  static void install() throws Exception {
    node = RealNode.get();
    kube = node.client();
    cluster = new NodeCluster(kube);
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
    cluster.awaitAvailable(SYSTEM, "elbow-operator", 2);
    cluster.awaitAvailable(SYSTEM, "elbow-dataplane", 2);
    assertThat(printerColumns("listeners.elbow.dev")).as("the earlier chart's CRD").isEmpty();
  }

  @Test
  @Order(2)
  void trafficThroughTheNodePortReachesBackendPodsByWeight() {
    cluster.apply(
        NodeManifests.backend("web-a", APPS)
            + "---\n"
            + NodeManifests.backend("web-b", APPS)
            + "---\n"
            + NodeManifests.groupAndListener(APPS));
    cluster.awaitAvailable(APPS, "web-a", 1);
    cluster.awaitAvailable(APPS, "web-b", 1);
    int port = cluster.nodePort(SYSTEM, "elbow-dataplane", 8080);
    // Both members healthy in the data planes before counting.
    await()
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .until(
            () -> {
              Map<String, Integer> seen = NodeCluster.byDeployment(NodeCluster.count(port, 8));
              return seen.containsKey("web-a") && seen.containsKey("web-b");
            });
    Map<String, Integer> seen = NodeCluster.byDeployment(NodeCluster.count(port, 400));
    assertThat(seen.keySet()).containsExactlyInAnyOrder("web-a", "web-b");
    double ratio = (double) seen.get("web-b") / seen.get("web-a");
    assertThat(ratio).as("web-b (weight 3) to web-a (weight 1): %s", seen).isBetween(2.5, 3.5);
  }

  @Test
  @Order(3)
  void aRollingUpdateOfTheBackendsFailsNoRequest() {
    int port = cluster.nodePort(SYSTEM, "elbow-dataplane", 8080);
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
        await().atMost(Duration.ofSeconds(180)).until(() -> cluster.rolledOut(APPS, name));
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
    SteadyLoad load =
        SteadyLoad.start(
            RealNode.NODE_IP, cluster.nodePort(SYSTEM, "elbow-dataplane", 8080), "/", 4, 100);
    try {
      await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
      String victim = dataPlanePods().get(0).getMetadata().getName();
      kube.pods().inNamespace(SYSTEM).withName(victim).delete();
      await()
          .atMost(Duration.ofSeconds(180))
          .until(
              () ->
                  kube.pods().inNamespace(SYSTEM).withName(victim).get() == null
                      && cluster.rolledOut(SYSTEM, "elbow-dataplane"));
      await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
    } finally {
      noFailures("a data-plane pod deleted (of two)", load);
    }
  }

  @Test
  @Order(5)
  void theLeaderOperatorSigkilledLeavesTrafficAloneAndAnOperatorLeadsAgain() throws Exception {
    SteadyLoad load =
        SteadyLoad.start(
            RealNode.NODE_IP, cluster.nodePort(SYSTEM, "elbow-dataplane", 8080), "/", 4, 100);
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
      cluster.awaitAvailable(APPS, "web-a", 2);
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .until(
              () -> backendPodsAnswering(cluster.nodePort(SYSTEM, "elbow-dataplane", 8080)) >= 3);
    } finally {
      noFailures("the leading operator SIGKILLed", load);
    }
  }

  @Test
  @Order(6)
  void aReadinessGateKeepsAPodUnreadyUntilElbowFindsItHealthy() {
    // web-c's container passes the kubelet's probe, but Elbow checks a port nothing serves:
    // the pod must stay unready, however long it runs.
    cluster.apply(
        NodeManifests.backend("web-c", APPS)
                .replace(
                    "    spec:\n      terminationGracePeriodSeconds",
                    "    spec:\n      readinessGates: [{conditionType: elbow.dev/load-balancer-healthy}]\n"
                        + "      terminationGracePeriodSeconds")
            + "---\n"
            + NodeManifests.gatedGroup(APPS, 8081));
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> gate("web-c") != null && "False".equals(gate("web-c")));
    Pod pod = pod("web-c");
    assertThat(pod.getStatus().getContainerStatuses().get(0).getReady())
        .as("the container is ready by the kubelet's probe")
        .isTrue();
    assertThat(NodeCluster.condition(pod, "Ready"))
        .as("the pod is not, held by the gate")
        .isEqualTo("False");
    // Elbow checks the port the pod serves: the gate, and with it the pod, turn Ready.
    cluster.apply(NodeManifests.gatedGroup(APPS, 8080));
    await().atMost(Duration.ofSeconds(120)).until(() -> "True".equals(gate("web-c")));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "True".equals(NodeCluster.condition(pod("web-c"), "Ready")));
  }

  private static Pod pod(String app) {
    return kube.pods().inNamespace(APPS).withLabel("app", app).list().getItems().get(0);
  }

  private static String gate(String app) {
    return NodeCluster.condition(pod(app), "elbow.dev/load-balancer-healthy");
  }

  @Test
  @Order(7)
  void aHelmUpgradeToANewImageTagRollsTheDataPlaneWithoutAFailedRequest() throws Exception {
    node.importImages(NEXT_TAG);
    SteadyLoad load =
        SteadyLoad.start(
            RealNode.NODE_IP, cluster.nodePort(SYSTEM, "elbow-dataplane", 8080), "/", 4, 100);
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
                  cluster.rolledOut(SYSTEM, "elbow-dataplane")
                      && dataPlanePods().stream()
                          .allMatch(
                              p ->
                                  p.getSpec().getContainers().get(0).getImage().endsWith(NEXT_TAG)
                                      && p.getMetadata().getDeletionTimestamp() == null));
      cluster.awaitAvailable(SYSTEM, "elbow-operator", 2);
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
    BulkLoad.Result result =
        BulkLoad.run(
            RealNode.NODE_IP, cluster.nodePort(SYSTEM, "elbow-dataplane", 8080), 24, 1 << 20, 40);
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

  @Test
  @Order(9)
  void theExampleAUserAppliesServesFromItsPods() throws Exception {
    // What the README tells a user to apply, as it is, in a namespace of its own; its listener
    // takes port 8080 once the scenarios' own listener has gone.
    kube.resources(dev.elbow.api.v1alpha1.Listener.class)
        .inNamespace(APPS)
        .withName("web")
        .delete();
    Chart.restrictedNamespace(kube, "demo");
    try (var example =
        Files.newInputStream(RealNode.repository().resolve("examples/web-pods.yaml"))) {
      kube.load(example).inNamespace("demo").serverSideApply();
    }
    cluster.awaitAvailable("demo", "web", 3);
    int port = cluster.nodePort(SYSTEM, "elbow-dataplane", 8080);
    // The example's pods, not the scenarios' (whose names begin with "web-" too).
    List<String> examplePods =
        kube.pods().inNamespace("demo").withLabel("app", "web").list().getItems().stream()
            .map(p -> p.getMetadata().getName())
            .toList();
    await()
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .until(() -> examplePods.containsAll(NodeCluster.count(port, 12).keySet()));
    Map<String, Integer> seen = NodeCluster.count(port, 60);
    assertThat(seen.keySet()).as("%s", seen).containsExactlyInAnyOrderElementsOf(examplePods);
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

  /** How many backend pods answer among 40 requests. */
  private static int backendPodsAnswering(int port) {
    return NodeCluster.count(port, 40).size();
  }
}
