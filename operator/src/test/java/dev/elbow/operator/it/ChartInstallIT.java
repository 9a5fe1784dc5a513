package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.condition;
import static dev.elbow.operator.it.Resources.listener;
import static dev.elbow.operator.it.Resources.loopbackHttpGroup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.HttpTestClient;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.operator.AdminTokenSecret;
import dev.elbow.operator.ElbowOperator;
import dev.elbow.operator.LeaderElection;
import dev.elbow.operator.chart.Chart;
import dev.elbow.operator.expose.TrafficServiceSpec;
import dev.elbow.operator.metrics.OperatorMetrics;
import dev.elbow.operator.push.StaticDataPlaneEndpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Helm chart installed by real Helm into the real API server, into a namespace that enforces
 * Pod Security "restricted"; then the operator runs as the chart's ServiceAccount (impersonated),
 * elected on the chart's Lease, and serves a Listener: the RBAC is enough, and denies the rest.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartInstallIT {

  private static final String RELEASE = "itest";
  private static final String OPERATOR_SA = RELEASE + "-elbow-operator";

  private static KubernetesClient kube;
  private static String namespace;

  @BeforeAll
  static void createRestrictedNamespace() {
    kube = KubeCluster.client();
    namespace = "elbow-chart-" + UUID.randomUUID().toString().substring(0, 8);
    Chart.restrictedNamespace(kube, namespace);
  }

  @AfterAll
  static void uninstall() {
    if (namespace != null) {
      Helm.uninstall(RELEASE)
          .withNamespace(namespace)
          .withKubeConfigContents(KubeCluster.kubeconfig())
          .call();
    }
  }

  private static String token() {
    Secret secret =
        kube.secrets().inNamespace(namespace).withName(RELEASE + "-elbow-admin-token").get();
    return new String(
        java.util.Base64.getDecoder().decode(secret.getData().get("token")),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  @Order(1)
  void everyObjectOfTheChartIsAccepted() {
    Release release =
        new Helm(Chart.DIR)
            .install()
            .withName(RELEASE)
            .withNamespace(namespace)
            .withKubeConfigContents(KubeCluster.kubeconfig())
            // Every IT's API server has the CRDs applied from crds/ already (KubeCluster); the
            // chart's own CRDs are installed and upgraded on a fresh cluster by HelmInstallNodeIT.
            .set("crds.install", false)
            .call();
    assertThat(release.getStatus()).isEqualTo("deployed");
    List<HasMetadata> rendered = Chart.render(RELEASE, namespace, Map.of("crds.install", false));
    assertThat(rendered).hasSizeGreaterThan(10);
    for (HasMetadata object : rendered) {
      assertThat(kube.resource(object).get())
          .as("%s %s", object.getKind(), object.getMetadata().getName())
          .isNotNull();
    }
  }

  @Test
  @Order(2)
  void thePodsPassPodSecurityRestricted() {
    for (Deployment deployment :
        kube.apps().deployments().inNamespace(namespace).list().getItems()) {
      Pod pod =
          new PodBuilder()
              .withNewMetadata()
              .withName(deployment.getMetadata().getName() + "-probe")
              .withNamespace(namespace)
              .endMetadata()
              .withSpec(deployment.getSpec().getTemplate().getSpec())
              .build();
      kube.pods().inNamespace(namespace).resource(pod).dryRun().create();
    }
    // The namespace does enforce: a pod running as root with defaults is refused.
    Pod careless =
        new PodBuilder()
            .withNewMetadata()
            .withName("careless")
            .withNamespace(namespace)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withImage("busybox")
            .endContainer()
            .endSpec()
            .build();
    assertThatThrownBy(
            () -> kube.pods().inNamespace(namespace).resource(careless).dryRun().create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("restricted");
  }

  @Test
  @Order(3)
  void theOperatorMakesTheAdminTokenOnceAndAnUpgradeKeepsIt() throws Exception {
    String secretName = RELEASE + "-elbow-admin-token";
    assertThat(kube.secrets().inNamespace(namespace).withName(secretName).get())
        .as("Helm renders no token")
        .isNull();
    try (KubernetesClient asOperator = asOperator(RELEASE, namespace)) {
      // Two replicas starting at once, as the chart's ServiceAccount: one token for both.
      CompletableFuture<String> first =
          CompletableFuture.supplyAsync(
              () ->
                  AdminTokenSecret.ensure(
                      asOperator, namespace, secretName, true, RELEASE + "-elbow-dataplane-admin"));
      String second =
          AdminTokenSecret.ensure(
              asOperator, namespace, secretName, true, RELEASE + "-elbow-dataplane-admin");
      assertThat(first.get()).isEqualTo(second).hasSize(48).matches("[A-Za-z0-9]+");
      assertThat(token()).isEqualTo(second);
      Service admin =
          kube.services().inNamespace(namespace).withName(RELEASE + "-elbow-dataplane-admin").get();
      assertThat(
              kube.secrets()
                  .inNamespace(namespace)
                  .withName(secretName)
                  .get()
                  .getMetadata()
                  .getOwnerReferences())
          .singleElement()
          .satisfies(o -> assertThat(o.getUid()).isEqualTo(admin.getMetadata().getUid()));

      Release release =
          new Helm(Chart.DIR)
              .upgrade()
              .withName(RELEASE)
              .withNamespace(namespace)
              .withKubeConfigContents(KubeCluster.kubeconfig())
              .set("dataplane.replicas", 3)
              .set("crds.install", false)
              .call();
      assertThat(release.getStatus()).isEqualTo("deployed");
      assertThat(
              kube.apps()
                  .deployments()
                  .inNamespace(namespace)
                  .withName(RELEASE + "-elbow-dataplane")
                  .get()
                  .getSpec()
                  .getReplicas())
          .isEqualTo(3);
      assertThat(token()).isEqualTo(second);
      assertThat(
              AdminTokenSecret.ensure(
                  asOperator, namespace, secretName, true, RELEASE + "-elbow-dataplane-admin"))
          .as("a restarted operator reads the token it made")
          .isEqualTo(second);
      // A Secret the user was to bring, missing: the error names it and the fix.
      assertThatThrownBy(
              () -> AdminTokenSecret.ensure(asOperator, namespace, "not-there", false, null))
          .hasMessageContaining(namespace + "/not-there")
          .hasMessageContaining("adminToken.existingSecret");
    }
  }

  /** A client acting as the release's operator ServiceAccount. */
  private static KubernetesClient asOperator(String release, String releaseNamespace) {
    Config config = Config.fromKubeconfig(KubeCluster.kubeconfig());
    config.setImpersonateUsername(
        "system:serviceaccount:" + releaseNamespace + ":" + release + "-elbow-operator");
    config.setImpersonateGroups(
        "system:serviceaccounts",
        "system:serviceaccounts:" + releaseNamespace,
        "system:authenticated");
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  @Test
  @Order(4)
  void theOperatorServesAListenerAsTheChartsServiceAccount() throws Exception {
    servesAListenerAs(RELEASE, namespace, KubeCluster.newNamespace("chart-app"));
  }

  /**
   * Runs the operator as the release's ServiceAccount (impersonated), elected on its Lease,
   * watching {@code apps}, and has it serve a Listener there: Ready, traffic, the traffic Service,
   * metrics.
   */
  private static void servesAListenerAs(String release, String releaseNamespace, String apps)
      throws Exception {
    String serviceAccount = release + "-elbow-operator";
    int port = FreePorts.next();
    OperatorMetrics metrics = new OperatorMetrics();
    AtomicReference<ElbowOperator> operator = new AtomicReference<>();
    try (KubernetesClient asOperator = asOperator(release, releaseNamespace);
        TestDataPlane dataPlane = TestDataPlane.start();
        DemoBackend backend = DemoBackend.http("a", 0)) {
      LeaderElection election =
          new LeaderElection(
              releaseNamespace,
              serviceAccount,
              "replica-1",
              Duration.ofSeconds(15),
              Duration.ofSeconds(10),
              Duration.ofSeconds(2));
      CompletableFuture<?> campaign =
          election.campaign(
              asOperator,
              () ->
                  operator.set(
                      ElbowOperator.start(
                          asOperator,
                          new StaticDataPlaneEndpoints(Set.of(dataPlane.adminUri())),
                          TestDataPlane.TOKEN,
                          Set.of(apps),
                          new ElbowOperator.Extras(
                              metrics,
                              releaseNamespace,
                              release + "-elbow-dataplane-admin",
                              new TrafficServiceSpec(
                                  release + "-elbow-dataplane",
                                  "LoadBalancer",
                                  Map.of("example.com/lb", "internal"),
                                  "Local")))),
              () -> {});
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> operator.get() != null);
        kube.resource(loopbackHttpGroup(apps, "web", backend.port())).create();
        kube.resource(listener(apps, "web", ListenerProtocol.HTTP, port, "web")).create();

        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  Listener served =
                      kube.resources(Listener.class).inNamespace(apps).withName("web").get();
                  assertThat(served.getStatus()).isNotNull();
                  assertThat(condition(served.getStatus().getConditions(), "Ready"))
                      .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
                  BackendServerGroup group =
                      kube.resources(BackendServerGroup.class)
                          .inNamespace(apps)
                          .withName("web")
                          .get();
                  assertThat(group.getMetadata().getFinalizers()).contains("elbow.dev/in-use");
                  // The group's status is written after the listener's; it may not exist yet.
                  assertThat(group.getStatus()).isNotNull();
                  assertThat(group.getStatus().getHealthy()).isEqualTo("1/1");
                });
        assertThat(
                new HttpTestClient().get(URI.create("http://127.0.0.1:" + port + "/")).statusCode())
            .isEqualTo(200);

        Service admin =
            kube.services()
                .inNamespace(releaseNamespace)
                .withName(release + "-elbow-dataplane-admin")
                .get();
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  Service traffic =
                      kube.services()
                          .inNamespace(releaseNamespace)
                          .withName(release + "-elbow-dataplane")
                          .get();
                  assertThat(traffic).isNotNull();
                  assertThat(traffic.getSpec().getType()).isEqualTo("LoadBalancer");
                  assertThat(traffic.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
                  assertThat(traffic.getSpec().getSelector())
                      .isEqualTo(admin.getSpec().getSelector());
                  assertThat(traffic.getSpec().getPorts())
                      .extracting(p -> p.getName() + " " + p.getProtocol() + " " + p.getPort())
                      .containsExactly("tcp-" + port + " TCP " + port);
                  assertThat(traffic.getMetadata().getAnnotations())
                      .containsEntry("example.com/lb", "internal");
                  assertThat(traffic.getMetadata().getOwnerReferences())
                      .singleElement()
                      .satisfies(
                          o -> assertThat(o.getUid()).isEqualTo(admin.getMetadata().getUid()));
                });
        assertThat(metrics.scrape())
            .contains("elbow_operator_working 1.0")
            .containsPattern("elbow_operator_reconciles_total\\{kind=\"Listener\"} [1-9]")
            .containsPattern("elbow_operator_push_seconds_count\\{outcome=\"applied\"} [1-9]")
            .containsPattern("elbow_operator_dataplane_version\\{dataplane=\"[^\"]+\"} [1-9]");

        // The Service follows Listeners that come and go.
        int second = FreePorts.next();
        kube.resource(listener(apps, "second", ListenerProtocol.HTTP, second, "web")).create();
        awaitTrafficPorts(
            release,
            releaseNamespace,
            "tcp-" + Math.min(port, second),
            "tcp-" + Math.max(port, second));
        kube.resources(Listener.class).inNamespace(apps).withName("web").delete();
        awaitTrafficPorts(release, releaseNamespace, "tcp-" + second);
      } finally {
        if (operator.get() != null) {
          operator.get().close();
        }
        campaign.cancel(true);
      }
    }
  }

  private static void awaitTrafficPorts(String release, String releaseNamespace, String... names) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        kube.services()
                            .inNamespace(releaseNamespace)
                            .withName(release + "-elbow-dataplane")
                            .get()
                            .getSpec()
                            .getPorts())
                    .extracting(p -> p.getName())
                    .containsExactly(names));
  }

  @Test
  @Order(5)
  void theServiceAccountMayDoNothingElse() {
    String user = "system:serviceaccount:" + namespace + ":" + OPERATOR_SA;
    assertThat(allowed(user, "list", "", "secrets", "any", null)).isTrue();
    assertThat(allowed(user, "patch", "", "pods/status", "any", null)).isTrue();
    assertThat(allowed(user, "delete", "", "secrets", "any", null)).isFalse();
    assertThat(allowed(user, "create", "", "pods", "any", null)).isFalse();
    assertThat(allowed(user, "update", "apps", "deployments", namespace, null)).isFalse();
    assertThat(allowed(user, "delete", "elbow.dev", "backendservergroups", "any", null)).isFalse();
    assertThat(allowed(user, "patch", "", "services", namespace, "kube-dns")).isFalse();
    assertThat(allowed(user, "patch", "", "services", namespace, RELEASE + "-elbow-dataplane"))
        .isTrue();
    assertThat(allowed(user, "update", "coordination.k8s.io", "leases", namespace, "other"))
        .isFalse();
    assertThat(allowed(user, "patch", "coordination.k8s.io", "leases", namespace, OPERATOR_SA))
        .isTrue();
    assertThat(allowed(user, "create", "", "services", "any", null))
        .as("Services are created in the release's namespace only")
        .isFalse();
    assertThat(allowed(user, "create", "", "secrets", namespace, null)).isTrue();
    assertThat(allowed(user, "create", "", "secrets", "any", null))
        .as("the admin token's Secret is made in the release's namespace only")
        .isFalse();
  }

  @Test
  @Order(6)
  void withWatchedNamespacesTheOperatorNeedsNoClusterWideRights() throws Exception {
    String release = "scoped";
    String releaseNamespace = KubeCluster.newNamespace("elbow-scoped");
    String apps = KubeCluster.newNamespace("scoped-app");
    Release installed =
        new Helm(Chart.DIR)
            .install()
            .withName(release)
            .withNamespace(releaseNamespace)
            .withKubeConfigContents(KubeCluster.kubeconfig())
            .set("operator.watchNamespaces[0]", apps)
            .set("removalProtection.enabled", false)
            .set("crds.install", false)
            .call();
    try {
      assertThat(installed.getStatus()).isEqualTo("deployed");
      servesAListenerAs(release, releaseNamespace, apps);
      String user = "system:serviceaccount:" + releaseNamespace + ":" + release + "-elbow-operator";
      assertThat(allowed(user, "list", "", "secrets", apps, null)).isTrue();
      assertThat(allowed(user, "list", "", "secrets", namespace, null))
          .as("nothing outside the watched namespaces")
          .isFalse();
      assertThat(allowed(user, "list", "", "secrets", "", null))
          .as("nothing cluster-wide")
          .isFalse();
      assertThat(allowed(user, "patch", "", "pods/status", apps, null)).isTrue();
      assertThat(allowed(user, "patch", "", "pods/status", "default", null)).isFalse();
    } finally {
      Helm.uninstall(release)
          .withNamespace(releaseNamespace)
          .withKubeConfigContents(KubeCluster.kubeconfig())
          .call();
    }
  }

  private static boolean allowed(
      String user, String verb, String group, String resource, String inNamespace, String name) {
    String[] parts = resource.split("/", 2);
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(user)
            .withGroups("system:serviceaccounts", "system:authenticated")
            .withResourceAttributes(
                new ResourceAttributesBuilder()
                    .withVerb(verb)
                    .withGroup(group)
                    .withResource(parts[0])
                    .withSubresource(parts.length > 1 ? parts[1] : null)
                    .withNamespace(inNamespace)
                    .withName(name)
                    .build())
            .endSpec()
            .build();
    return kube.authorization().v1().subjectAccessReview().create(review).getStatus().getAllowed();
  }
}
