package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.condition;
import static dev.elbow.operator.it.Resources.group;
import static dev.elbow.operator.it.Resources.listener;
import static dev.elbow.snapshot.testing.TestCertificates.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.CaBundleRef;
import dev.elbow.api.v1alpha1.CertificateRef;
import dev.elbow.api.v1alpha1.GroupTls;
import dev.elbow.api.v1alpha1.HealthCheck;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.TestTls;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * HTTPS through the whole product: certificates from kubernetes.io/tls Secrets, renewed by updating
 * the Secret while a connection stays open, a bad or missing Secret reported on the Listener
 * without taking anything off the air, and re-encryption to members verified against a CA bundle in
 * a ConfigMap.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpsEndToEndIT {

  private static ElbowUnderTest elbow;
  private static KubernetesClient kube;
  private static String namespace;
  private static DemoBackend plain;
  private static DemoBackend secure;
  private static int port;
  private static int securePort;
  private static final HttpClient client =
      HttpClient.newBuilder()
          .sslContext(TestTls.clientTrustingTestCa())
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  @BeforeAll
  static void start() {
    elbow = ElbowUnderTest.start("https");
    kube = elbow.kube;
    namespace = elbow.namespace;
    plain = DemoBackend.http("plain", 0);
    secure = DemoBackend.https("secure", 0, TestTls.server("backend"));
    port = FreePorts.next();
    securePort = FreePorts.next();
  }

  @AfterAll
  static void stop() {
    if (elbow != null) {
      elbow.close();
    }
    plain.close();
    secure.close();
  }

  private static Secret tlsSecret(String name, String crt, String key) {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withStringData(Map.of("tls.crt", crt, "tls.key", key))
        .build();
  }

  private static Listener https(String name, int listenPort, String group, String... secrets) {
    Listener listener = listener(namespace, name, ListenerProtocol.HTTPS, listenPort, group);
    listener
        .getSpec()
        .setCertificates(java.util.Arrays.stream(secrets).map(CertificateRef::new).toList());
    return listener;
  }

  private static HealthCheck off() {
    HealthCheck check = new HealthCheck();
    check.setEnabled(false);
    return check;
  }

  private static Condition ready(String listener) {
    return conditionOf(listener, "Ready");
  }

  private static Condition accepted(String listener) {
    return conditionOf(listener, "Accepted");
  }

  private static Condition conditionOf(String listener, String type) {
    Listener current =
        kube.resources(Listener.class).inNamespace(namespace).withName(listener).get();
    return current.getStatus() == null
        ? null
        : condition(current.getStatus().getConditions(), type).orElse(null);
  }

  private static HttpResponse<String> get(int listenPort) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + listenPort + "/"))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String servedSubject() throws Exception {
    try (SSLSocket socket = connect()) {
      return subject(socket);
    }
  }

  private static SSLSocket connect() throws Exception {
    SSLSocket socket =
        (SSLSocket)
            TestTls.clientTrustingTestCa().getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(5000);
    socket.startHandshake();
    return socket;
  }

  private static String subject(SSLSocket socket) throws Exception {
    return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
        .getSubjectX500Principal()
        .getName();
  }

  @Test
  @Order(1)
  void anHttpsListenerServesTheCertificateOfItsSecret() throws Exception {
    kube.resource(tlsSecret("www", pem("default.crt"), pem("default-pkcs1.key"))).create();
    kube.resource(
            group(
                namespace,
                "web",
                BackendProtocol.HTTP,
                off(),
                List.of(new Member("127.0.0.1", plain.port(), 1))))
        .create();
    kube.resource(https("www", port, "web", "www")).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(ready("www")).extracting(Condition::getStatus).isEqualTo("True"));
    HttpResponse<String> response = get(port);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-seen-forwarded-proto")).hasValue("https");
    assertThat(servedSubject()).isEqualTo("CN=localhost");
  }

  @Test
  @Order(2)
  void aRenewedSecretReachesNewConnectionsAndOpenOnesCarryOn() throws Exception {
    try (SSLSocket open = connect()) {
      assertThat(exchange(open)).startsWith("HTTP/1.1 200");
      kube.resource(tlsSecret("www", pem("api.crt"), pem("api.key"))).update();
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(() -> assertThat(servedSubject()).isEqualTo("CN=api.example.test"));
      assertThat(subject(open)).isEqualTo("CN=localhost");
      assertThat(exchange(open)).as("the connection opened before").startsWith("HTTP/1.1 200");
    }
  }

  @Test
  @Order(3)
  void aBadSecretIsReportedAndTheLastGoodCertificateKeepsServing() throws Exception {
    kube.resource(tlsSecret("www", pem("api.crt"), "not a key")).update();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(ready("www").getStatus()).isEqualTo("False");
              Condition accepted = accepted("www");
              assertThat(accepted.getStatus()).isEqualTo("False");
              assertThat(accepted.getReason()).isEqualTo("InvalidCertificate");
              assertThat(accepted.getMessage())
                  .contains("spec.certificates[0]")
                  .contains("keeps serving its last good certificates");
            });
    assertThat(get(port).statusCode()).isEqualTo(200);
    assertThat(servedSubject()).isEqualTo("CN=api.example.test");
  }

  @Test
  @Order(4)
  void aMissingSecretIsReportedAndOtherListenersServe() throws Exception {
    int other = FreePorts.next();
    kube.resource(https("nowhere", other, "web", "no-such-secret")).create();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(ready("nowhere")).extracting(Condition::getStatus).isEqualTo("False");
              assertThat(accepted("nowhere"))
                  .extracting(Condition::getReason)
                  .isEqualTo("CertificateNotFound");
            });
    assertThat(get(port).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(5)
  void anHttpsGroupReEncryptsAndVerifiesItsMembersAgainstAConfigMapBundle() throws Exception {
    kube.resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName("internal-ca")
                .endMetadata()
                .withData(Map.of("ca.crt", pem("ca.crt")))
                .build())
        .create();
    BackendServerGroup api =
        group(
            namespace,
            "api",
            BackendProtocol.HTTPS,
            off(),
            List.of(new Member("127.0.0.1", secure.port(), 1)));
    GroupTls tls = new GroupTls();
    CaBundleRef bundle = new CaBundleRef();
    bundle.setConfigMapName("internal-ca");
    tls.setCaBundle(bundle);
    tls.setServerName("backend.example.test");
    api.getSpec().setTls(tls);
    kube.resource(api).create();
    kube.resource(tlsSecret("api", pem("default.crt"), pem("default.key"))).create();
    kube.resource(https("api", securePort, "api", "api")).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions() // the port opens once the snapshot is applied
        .untilAsserted(() -> assertThat(get(securePort).statusCode()).isEqualTo(200));
    assertThat(get(securePort).body()).isEqualTo("secure\n");
  }

  private static String exchange(SSLSocket socket) throws Exception {
    return RawHttp.keepAliveStatus(socket);
  }
}
