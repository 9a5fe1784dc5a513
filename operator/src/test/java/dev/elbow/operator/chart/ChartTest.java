package dev.elbow.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart as Helm renders it: lint-clean, the images of this version, Pod Security "restricted"
 * on every pod, RBAC without wildcards, the admin port closed to all but the operator, and values
 * checked by the schema.
 */
class ChartTest {

  private static final String NS = "elbow-system";

  private static List<HasMetadata> defaults() {
    return Chart.render("elbow", NS, Map.of());
  }

  private static Deployment deployment(List<HasMetadata> objects, String name) {
    return Chart.ofKind(objects, Deployment.class).stream()
        .filter(d -> d.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void lintStrictIsClean() {
    LintResult lint = new Helm(Chart.DIR).lint().strict().call();
    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
  }

  @Test
  void rendersEveryPartOfAnInstallation() {
    List<HasMetadata> objects = defaults();
    assertThat(objects)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "ServiceAccount/elbow-operator",
            "ServiceAccount/elbow-dataplane",
            "ClusterRole/elbow-operator",
            "ClusterRoleBinding/elbow-operator",
            "Role/elbow-operator",
            "RoleBinding/elbow-operator",
            "Service/elbow-dataplane-admin",
            "Deployment/elbow-operator",
            "Deployment/elbow-dataplane",
            "NetworkPolicy/elbow-dataplane",
            "PodDisruptionBudget/elbow-dataplane",
            "PodDisruptionBudget/elbow-operator",
            "ValidatingAdmissionPolicy/elbow-removal-protection",
            "ValidatingAdmissionPolicyBinding/elbow-removal-protection",
            "CustomResourceDefinition/backendservergroups.elbow.dev",
            "CustomResourceDefinition/listeners.elbow.dev");
    assertThat(deployment(objects, "elbow-dataplane").getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void theCrdsAreTemplatesSoAnUpgradeUpgradesThemAndUninstallKeepsThem() throws Exception {
    List<CustomResourceDefinition> crds = Chart.ofKind(defaults(), CustomResourceDefinition.class);
    assertThat(crds).hasSize(2);
    for (CustomResourceDefinition crd : crds) {
      CustomResourceDefinition committed =
          Serialization.unmarshal(
              Files.readString(Path.of("../crds", crd.getMetadata().getName() + ".yaml")),
              CustomResourceDefinition.class);
      assertThat(crd.getSpec()).as(crd.getMetadata().getName()).isEqualTo(committed.getSpec());
      assertThat(crd.getMetadata().getAnnotations())
          .containsEntry("helm.sh/resource-policy", "keep");
      assertThat(crd.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "elbow");
    }
    assertThat(
            Chart.ofKind(
                Chart.render("elbow", NS, Map.of("crds.install", false)),
                CustomResourceDefinition.class))
        .isEmpty();
  }

  @Test
  void imagesAreThisVersionsAndMatchTheDockerfiles() throws Exception {
    String version = Chart.projectVersion();
    String chartYaml = Files.readString(Chart.DIR.resolve("Chart.yaml"));
    assertThat(chartYaml).contains("\nversion: " + version + "\n");
    assertThat(chartYaml).contains("\nappVersion: " + version + "\n");
    List<HasMetadata> objects = defaults();
    for (String component : List.of("operator", "dataplane")) {
      String image =
          deployment(objects, "elbow-" + component)
              .getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .getImage();
      assertThat(image).isEqualTo("ghcr.io/elbow-lb/elbow-" + component + ":" + version);
      // The Dockerfile's usage line builds exactly the image the chart runs.
      assertThat(Files.readString(Chart.DIR.resolve("../../images/" + component + ".Dockerfile")))
          .contains("-t " + image + " .");
    }
    assertThat(
            deployment(Chart.render("elbow", NS, Map.of("image.tag", "1.2.3")), "elbow-operator")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("ghcr.io/elbow-lb/elbow-operator:1.2.3");
  }

  @Test
  void everyPodMeetsPodSecurityRestricted() {
    for (Deployment deployment : Chart.ofKind(defaults(), Deployment.class)) {
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getSeccompProfile().getType())
          .isEqualTo("RuntimeDefault");
      assertThat(pod.getSecurityContext().getSysctls()).isNullOrEmpty();
      for (Container container : pod.getContainers()) {
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getCapabilities().getDrop())
            .containsExactly("ALL");
        assertThat(container.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
      }
    }
    assertThat(
            deployment(defaults(), "elbow-dataplane")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getAutomountServiceAccountToken())
        .as("the data plane needs no API access")
        .isFalse();
  }

  @Test
  void theDataPlaneDrainsWithinItsGracePeriod() {
    PodSpec pod =
        deployment(
                Chart.render("elbow", NS, Map.of("dataplane.terminationGracePeriodSeconds", 40)),
                "elbow-dataplane")
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(40);
    Container dataPlane = pod.getContainers().get(0);
    assertThat(dataPlane.getLifecycle().getPreStop().getSleep().getSeconds()).isEqualTo(5);
    // 40 s in all: 5 s of preStop sleep, 30 s of draining, 5 s for the JVM to exit.
    assertThat(dataPlane.getArgs()).contains("--drain-timeout-seconds=30");
  }

  @Test
  void lowPortsAreAllowedOnlyWhenAsked() {
    PodSpec pod =
        deployment(Chart.render("elbow", NS, Map.of("dataplane.lowPorts", true)), "elbow-dataplane")
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(pod.getSecurityContext().getSysctls())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo("net.ipv4.ip_unprivileged_port_start");
              assertThat(s.getValue()).isEqualTo("0");
            });
    assertThat(pod.getContainers().get(0).getSecurityContext().getCapabilities().getAdd())
        .containsExactly("NET_BIND_SERVICE");
  }

  @Test
  void rbacNamesEveryVerbAndResource() {
    List<HasMetadata> objects = defaults();
    List<PolicyRule> rules =
        Stream.concat(
                Chart.ofKind(objects, ClusterRole.class).stream()
                    .flatMap(r -> r.getRules().stream()),
                Chart.ofKind(objects, Role.class).stream().flatMap(r -> r.getRules().stream()))
            .toList();
    assertThat(rules).isNotEmpty();
    for (PolicyRule rule : rules) {
      assertThat(rule.getVerbs()).doesNotContain("*").doesNotContain("delete", "deletecollection");
      assertThat(rule.getResources()).doesNotContain("*");
      assertThat(rule.getApiGroups()).doesNotContain("*");
    }
    // Writes outside the release's namespace are status, finalizers, pod conditions and events.
    assertThat(Chart.ofKind(objects, ClusterRole.class).get(0).getRules())
        .filteredOn(
            r -> r.getVerbs().stream().anyMatch(v -> !List.of("get", "list", "watch").contains(v)))
        .flatExtracting(PolicyRule::getResources)
        .containsExactlyInAnyOrder(
            "backendservergroups",
            "listeners",
            "backendservergroups/status",
            "listeners/status",
            "pods/status",
            "events");
  }

  @Test
  void watchedNamespacesGetRolesInsteadOfAClusterRole() {
    List<HasMetadata> objects =
        Chart.render(
            "elbow",
            NS,
            Map.of("operator.watchNamespaces[0]", "shop", "operator.watchNamespaces[1]", "blog"));
    assertThat(Chart.ofKind(objects, ClusterRole.class)).isEmpty();
    assertThat(objects).noneMatch(o -> o.getKind().equals("ClusterRoleBinding"));
    List<Role> roles = Chart.ofKind(objects, Role.class);
    assertThat(roles)
        .extracting(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "shop/elbow-operator-watch", "blog/elbow-operator-watch", NS + "/elbow-operator");
    Role shop =
        roles.stream().filter(r -> r.getMetadata().getNamespace().equals("shop")).findFirst().get();
    assertThat(shop.getRules())
        .isEqualTo(Chart.ofKind(defaults(), ClusterRole.class).get(0).getRules());
    Role own =
        roles.stream().filter(r -> r.getMetadata().getNamespace().equals(NS)).findFirst().get();
    assertThat(own.getRules())
        .flatExtracting(PolicyRule::getResources)
        .contains("endpointslices", "leases", "services");
  }

  @Test
  void onlyTheOperatorReachesTheAdminPort() {
    List<HasMetadata> objects = Chart.render("elbow", NS, Map.of("dataplane.adminPort", 9000));
    NetworkPolicy policy = Chart.ofKind(objects, NetworkPolicy.class).get(0);
    var admin = policy.getSpec().getIngress().get(0);
    assertThat(admin.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(9000);
    assertThat(admin.getFrom())
        .singleElement()
        .satisfies(
            peer ->
                assertThat(peer.getPodSelector().getMatchLabels())
                    .containsEntry("app.kubernetes.io/component", "operator"));
    var open = policy.getSpec().getIngress().get(1);
    assertThat(open.getFrom()).isNullOrEmpty();
    assertThat(open.getPorts())
        .extracting(p -> p.getProtocol() + " " + p.getPort().getIntVal() + "-" + p.getEndPort())
        .containsExactly("TCP 1-8999", "TCP 9001-65535", "UDP 1-65535");
    assertThat(open.getPorts()).extracting(NetworkPolicyPort::getEndPort).doesNotContainNull();
    Service adminService = Chart.ofKind(objects, Service.class).get(0);
    assertThat(adminService.getSpec().getPublishNotReadyAddresses())
        .as("the operator must see data planes before they are ready")
        .isTrue();
  }

  @Test
  void theSchemaRefusesBadValuesNamingThem() {
    assertThatThrownBy(() -> Chart.render("elbow", NS, Map.of("dataplane.service.type", "Magic")))
        .hasMessageContaining("/dataplane/service/type")
        .hasMessageContaining("LoadBalancer");
    assertThatThrownBy(() -> Chart.render("elbow", NS, Map.of("dataplane.replicaz", 3)))
        .hasMessageContaining("replicaz");
    assertThatThrownBy(() -> Chart.render("elbow", NS, Map.of("operator.logFormat", "xml")))
        .hasMessageContaining("/operator/logFormat");
  }

  @Test
  void theOperatorIsToldWhereEverythingIs() {
    Container operator =
        deployment(
                Chart.render("prod", NS, Map.of("operator.watchNamespaces[0]", "shop")),
                "prod-elbow-operator")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    Map<String, String> env =
        operator.getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(java.util.stream.Collectors.toMap(e -> e.getName(), e -> e.getValue()));
    assertThat(env)
        .containsEntry("ELBOW_DATAPLANE_SERVICE", NS + "/prod-elbow-dataplane-admin")
        .containsEntry("ELBOW_TRAFFIC_SERVICE", "prod-elbow-dataplane")
        .containsEntry("ELBOW_TRAFFIC_SERVICE_TYPE", "LoadBalancer")
        .containsEntry("ELBOW_LEADER_ELECTION_LEASE", NS + "/prod-elbow-operator")
        .containsEntry("ELBOW_LEADER_ELECTION_TIMINGS", "15,10,2")
        .containsEntry("ELBOW_WATCH_NAMESPACES", "shop");
  }

  @Test
  void renderingTwiceGivesTheSameObjects() {
    // No token drawn at render time: a GitOps tool applying `helm template` rotates nothing.
    Map<String, Object> values = Map.of("grafanaDashboard.enabled", true);
    assertThat(Chart.renderText("elbow", NS, values))
        .isEqualTo(Chart.renderText("elbow", NS, values))
        .doesNotContain("kind: Secret");
    Map<String, String> env =
        deployment(defaults(), "elbow-operator")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getEnv()
            .stream()
            .filter(e -> e.getValue() != null)
            .collect(java.util.stream.Collectors.toMap(e -> e.getName(), e -> e.getValue()));
    assertThat(env)
        .containsEntry("ELBOW_ADMIN_TOKEN_SECRET", NS + "/elbow-admin-token")
        .containsEntry("ELBOW_ADMIN_TOKEN_SECRET_GENERATE", "true");
  }

  @Test
  void theDashboardShipsWhenAsked() throws Exception {
    assertThat(Chart.ofKind(defaults(), ConfigMap.class)).isEmpty();
    ConfigMap dashboard =
        Chart.ofKind(
                Chart.render("elbow", NS, Map.of("grafanaDashboard.enabled", true)),
                ConfigMap.class)
            .get(0);
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    JsonNode json = new ObjectMapper().readTree(dashboard.getData().get("elbow.json"));
    assertThat(json.get("panels").size()).isPositive();
  }

  @Test
  void theReadmeDocumentsEveryValue() throws Exception {
    Map<String, Object> values =
        new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
            .readValue(Chart.DIR.resolve("values.yaml").toFile(), Map.class);
    String readme = Files.readString(Chart.DIR.resolve("README.md"));
    List<String> paths = new java.util.ArrayList<>();
    leaves("", values, paths);
    assertThat(paths).hasSizeGreaterThan(30);
    assertThat(paths).allSatisfy(path -> assertThat(readme).contains("| `" + path + "` |"));
  }

  /** Dotted paths of the values, stopping at maps that are free-form (resources, labels...). */
  @SuppressWarnings("unchecked")
  private static void leaves(String prefix, Map<String, Object> map, List<String> paths) {
    List<String> freeForm =
        List.of("resources", "podAnnotations", "nodeSelector", "affinity", "annotations", "labels");
    map.forEach(
        (key, value) -> {
          String path = prefix + key;
          if (value instanceof Map<?, ?> nested && !freeForm.contains(key)) {
            leaves(path + ".", (Map<String, Object>) nested, paths);
          } else {
            paths.add(path);
          }
        });
  }
}
