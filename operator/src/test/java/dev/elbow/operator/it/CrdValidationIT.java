package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.check;
import static dev.elbow.operator.it.Resources.group;
import static dev.elbow.operator.it.Resources.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elbow.api.v1alpha1.Algorithm;
import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.CaBundleRef;
import dev.elbow.api.v1alpha1.CertificateRef;
import dev.elbow.api.v1alpha1.GroupTls;
import dev.elbow.api.v1alpha1.HealthCheck;
import dev.elbow.api.v1alpha1.HealthCheckProtocol;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.api.v1alpha1.ProxyProtocolVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API server itself refuses bad objects, with messages that name the field. */
class CrdValidationIT {

  private static KubernetesClient kube;
  private static String namespace;

  @BeforeAll
  static void cluster() {
    kube = KubeCluster.client();
    namespace = KubeCluster.newNamespace("crd");
  }

  private static BackendServerGroup validGroup(String name) {
    return group(
        namespace,
        name,
        BackendProtocol.HTTP,
        check(5, 3, 3, 3, "/healthz"),
        List.of(new Member("10.0.0.1", 8080, 1)));
  }

  private static void assertRefused(BackendServerGroup group, String... messageParts) {
    Resources.assertRefused(kube, group, messageParts);
  }

  private static BackendServerGroup with(String name, Consumer<BackendServerGroup> change) {
    BackendServerGroup group = validGroup(name);
    change.accept(group);
    return group;
  }

  @Test
  void acceptsAValidGroupAndFillsInDefaults() {
    BackendServerGroup minimal =
        group(
            namespace,
            "minimal",
            BackendProtocol.TCP,
            null,
            List.of(new Member("10.0.0.1", 5432, 1)));
    minimal.getSpec().setAlgorithm(null);
    minimal.getSpec().getMembers().get(0).setWeight(null);
    BackendServerGroup created = kube.resource(minimal).create();
    assertThat(created.getSpec().getAlgorithm()).isEqualTo(Algorithm.ROUND_ROBIN);
    assertThat(created.getSpec().getMembers().get(0).getWeight()).isEqualTo(1);
    assertThat(created.getSpec().isRemovalProtection()).isFalse();

    BackendServerGroup checked =
        kube.resource(with("checked", g -> g.getSpec().setHealthCheck(new HealthCheck()))).create();
    HealthCheck defaults = checked.getSpec().getHealthCheck();
    assertThat(defaults.getEnabled()).isTrue();
    assertThat(defaults.getIntervalSeconds()).isEqualTo(5);
    assertThat(defaults.getTimeoutSeconds()).isEqualTo(3);
    assertThat(defaults.getUnhealthyThreshold()).isEqualTo(3);
  }

  @Test
  void refusesUdpProbeTextOnTcpChecksAndAConnectionIdLengthOutsideQuic() {
    assertRefused(
        with(
            "tcp-udp-send",
            g -> {
              g.getSpec().setHealthCheck(check(5, 3, 3, 3, null));
              g.getSpec().getHealthCheck().setUdpSend("ping");
            }),
        "spec.healthCheck",
        "healthCheck.udpSend and healthCheck.udpExpect apply only to UDP health checks");
    assertRefused(
        with("tcp-cid", g -> g.getSpec().setQuicConnectionIdLength(8)),
        "spec.quicConnectionIdLength",
        "quicConnectionIdLength applies only to QUIC groups");
  }

  @Test
  void proxyProtocolIsForTcpGroupsAndVersion2ForUdpGroups() {
    BackendServerGroup udp =
        group(
            namespace,
            "udp-pp2",
            BackendProtocol.UDP,
            null,
            List.of(new Member("10.0.0.1", 53, 1)));
    udp.getSpec().setProxyProtocol(ProxyProtocolVersion.V2);
    assertThat(kube.resource(udp).create().getSpec().getProxyProtocol())
        .isEqualTo(ProxyProtocolVersion.V2);
    BackendServerGroup udpV1 =
        group(
            namespace,
            "udp-pp1",
            BackendProtocol.UDP,
            null,
            List.of(new Member("10.0.0.1", 53, 1)));
    udpV1.getSpec().setProxyProtocol(ProxyProtocolVersion.V1);
    assertRefused(udpV1, "spec.proxyProtocol", "UDP groups (V2: version 1 has no datagram form)");
    assertRefused(
        with("http-pp", g -> g.getSpec().setProxyProtocol(ProxyProtocolVersion.V2)),
        "spec.proxyProtocol",
        "X-Forwarded-For");
  }

  @Test
  void refusesATimeoutThatIsNotBelowTheInterval() {
    assertRefused(
        with("slow", g -> g.getSpec().setHealthCheck(check(3, 3, 3, 3, null))),
        "spec.healthCheck.timeoutSeconds",
        "timeoutSeconds must be less than intervalSeconds");
  }

  @Test
  void refusesHttpFieldsOnTcpChecks() {
    BackendServerGroup tcp =
        group(
            namespace,
            "tcp-path",
            BackendProtocol.TCP,
            check(5, 3, 3, 3, "/healthz"),
            List.of(new Member("10.0.0.1", 5432, 1)));
    assertRefused(tcp, "spec.healthCheck", "apply only to HTTP and HTTPS health checks");

    BackendServerGroup explicitTcp = validGroup("http-group-tcp-check");
    explicitTcp.getSpec().getHealthCheck().setProtocol(HealthCheckProtocol.TCP);
    assertRefused(explicitTcp, "spec.healthCheck", "apply only to HTTP and HTTPS health checks");
  }

  @Test
  void refusesUdpChecksOnTcpGroupsAndQuicHashingOnTcp() {
    assertRefused(
        with(
            "udp-check",
            g -> {
              g.getSpec().getHealthCheck().setProtocol(HealthCheckProtocol.UDP);
              g.getSpec().getHealthCheck().setPath(null);
            }),
        "spec.healthCheck.protocol",
        "must be UDP for UDP and QUIC groups");
    assertRefused(
        with("quic-hash", g -> g.getSpec().setAlgorithm(Algorithm.QUIC_CID)),
        "spec.algorithm",
        "QUIC_CID needs protocol QUIC");
  }

  @Test
  void refusesBadMembers() {
    assertRefused(
        with("host-name", g -> g.getSpec().getMembers().get(0).setAddress("db.example.com")),
        "spec.members[0].address",
        "must be an IPv4 or IPv6 address");
    assertRefused(
        with("heavy", g -> g.getSpec().getMembers().get(0).setWeight(101)),
        "spec.members[0].weight");
    assertRefused(
        with("no-port", g -> g.getSpec().getMembers().get(0).setPort(0)), "spec.members[0].port");
    assertRefused(
        with(
            "twice",
            g ->
                g.getSpec()
                    .setMembers(
                        new ArrayList<>(
                            List.of(
                                new Member("10.0.0.1", 80, 1), new Member("10.0.0.1", 80, 2))))),
        "spec.members",
        "Duplicate value");
  }

  @Test
  void refusesOutOfRangeHealthChecks() {
    assertRefused(
        with("interval", g -> g.getSpec().getHealthCheck().setIntervalSeconds(51)),
        "spec.healthCheck.intervalSeconds");
    assertRefused(
        with("threshold", g -> g.getSpec().getHealthCheck().setUnhealthyThreshold(11)),
        "spec.healthCheck.unhealthyThreshold");
    assertRefused(
        with("codes", g -> g.getSpec().getHealthCheck().setExpectedCodes("2xx")),
        "spec.healthCheck.expectedCodes");
    assertRefused(
        with("path", g -> g.getSpec().getHealthCheck().setPath("healthz")),
        "spec.healthCheck.path");
  }

  @Test
  void httpsListenersAndOnlyTheyTakeCertificates() {
    assertThatThrownBy(
            () ->
                kube.resource(listener(namespace, "bare", ListenerProtocol.HTTPS, 443, "web"))
                    .create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.certificates")
        .hasMessageContaining("HTTPS listeners need certificates");
    Listener plain = listener(namespace, "plain", ListenerProtocol.HTTP, 80, "web");
    plain.getSpec().setCertificates(List.of(new CertificateRef("www")));
    assertThatThrownBy(() -> kube.resource(plain).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("only HTTPS listeners take them");
  }

  @Test
  void httpsGroupsVerifyTheirMembersUnlessToldExplicitlyNotTo() {
    assertRefused(
        with("no-tls", g -> g.getSpec().setProtocol(BackendProtocol.HTTPS)),
        "spec.tls",
        "HTTPS groups need tls");
    GroupTls both = new GroupTls();
    CaBundleRef bundle = new CaBundleRef();
    bundle.setConfigMapName("ca");
    both.setCaBundle(bundle);
    both.setInsecureSkipVerify(true);
    assertRefused(
        with(
            "both",
            g -> {
              g.getSpec().setProtocol(BackendProtocol.HTTPS);
              g.getSpec().setTls(both);
            }),
        "exactly one of them");
    CaBundleRef twoSources = new CaBundleRef();
    twoSources.setConfigMapName("ca");
    twoSources.setSecretName("ca");
    GroupTls ambiguous = new GroupTls();
    ambiguous.setCaBundle(twoSources);
    assertRefused(
        with(
            "ambiguous",
            g -> {
              g.getSpec().setProtocol(BackendProtocol.HTTPS);
              g.getSpec().setTls(ambiguous);
            }),
        "name exactly one of secretName and configMapName");
  }

  @Test
  void refusesBadListeners() {
    assertThatThrownBy(
            () ->
                kube.resource(listener(namespace, "zero", ListenerProtocol.TCP, 0, "db")).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.port");
    assertThatThrownBy(
            () ->
                kube.resource(
                        listener(namespace, "badname", ListenerProtocol.TCP, 80, "Not_A_Name"))
                    .create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.backendGroup");
  }

  @Test
  void kubectlGetShowsTheDeclaredColumns() throws Exception {
    kube.resource(validGroup("columns")).create();
    kube.resource(listener(namespace, "columns", ListenerProtocol.HTTP, 8080, "columns")).create();
    assertThat(columns("backendservergroups"))
        .containsExactly("Name", "Protocol", "Algorithm", "Healthy", "Ready", "Age");
    assertThat(columns("listeners"))
        .containsExactly("Name", "Protocol", "Port", "Group", "Ready", "Age");
  }

  @Test
  void kubectlGetElbowListsBothKindsByTheirShortNames() {
    // What kubectl's discovery reads: `kubectl get elbow` expands the category, `bsg` and `lsn`
    // are short names.
    var resources = kube.getApiResources("elbow.dev/v1alpha1").getResources();
    assertThat(resources)
        .filteredOn(r -> !r.getName().contains("/"))
        .allSatisfy(r -> assertThat(r.getCategories()).containsExactly("elbow"))
        .flatExtracting(r -> r.getShortNames())
        .containsExactlyInAnyOrder("bsg", "lsn");
  }

  /** The column names the API server renders for kubectl (the Table form of a list). */
  private static List<String> columns(String plural) throws Exception {
    HttpRequest request =
        kube.getHttpClient()
            .newHttpRequestBuilder()
            .uri(
                kube.getMasterUrl()
                    + "apis/elbow.dev/v1alpha1/namespaces/"
                    + namespace
                    + "/"
                    + plural)
            .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
            .build();
    HttpResponse<String> response = kube.getHttpClient().sendAsync(request, String.class).get();
    JsonNode table = new ObjectMapper().readTree(response.body());
    List<String> names = new ArrayList<>();
    table.get("columnDefinitions").forEach(c -> names.add(c.get("name").asText()));
    assertThat(table.get("rows")).isNotEmpty();
    return names;
  }
}
