package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.member;
import static dev.elbow.snapshot.testing.TestCertificates.certificate;
import static dev.elbow.snapshot.testing.TestCertificates.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.testing.TestTls;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.BackendTls;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.HealthCheckProtocol;
import dev.elbow.snapshot.HealthState;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.MemberHealth;
import dev.elbow.snapshot.Snapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTPS listener to HTTPS group: TLS again towards the members, verified against the group's CA
 * bundle (and server name), or not at all only when the group says insecureSkipVerify.
 */
class HttpsBackendTest {

  private TestDataPlane dataPlane;
  private DemoBackend backend;
  private int port;
  private long version;
  private final HttpClient client =
      HttpClient.newBuilder()
          .sslContext(TestTls.clientTrustingTestCa())
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  @BeforeEach
  void start() {
    dataPlane = TestDataPlane.start();
    backend = DemoBackend.https("secure", 0, TestTls.server("backend"));
    port = FreePorts.next();
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    backend.close();
  }

  private void serve(BackendTls tls, HealthCheckConfig check) {
    dataPlane.apply(
        new Snapshot(
            ++version,
            List.of(
                new ListenerConfig(
                    "d/www",
                    ListenerProtocol.HTTPS,
                    port,
                    "d/api",
                    null,
                    List.of(certificate("default")))),
            List.of(
                new GroupConfig(
                    "d/api",
                    BackendProtocol.HTTPS,
                    Algorithm.ROUND_ROBIN,
                    List.of(member(backend.port(), 1)),
                    check,
                    tls,
                    null))));
  }

  private int status(HttpClient.Version httpVersion) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/"))
                .version(httpVersion)
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  @Test
  void membersVerifiedAgainstTheCaBundleAndServerNameAnswer() throws Exception {
    serve(new BackendTls(pem("ca.crt"), false, "backend.example.test"), null);
    assertThat(status(HttpClient.Version.HTTP_1_1)).isEqualTo(200);
    assertThat(status(HttpClient.Version.HTTP_2)).isEqualTo(200);
    serve(new BackendTls(pem("ca.crt"), false, null), null);
    assertThat(status(HttpClient.Version.HTTP_1_1)).as("chain only").isEqualTo(200);
  }

  @Test
  void aMemberWhoseCertificateDoesNotVerifyGetsTheClientA502() throws Exception {
    serve(new BackendTls(pem("other-ca.crt"), false, null), null);
    assertThat(status(HttpClient.Version.HTTP_1_1)).isEqualTo(502);
    assertThat(status(HttpClient.Version.HTTP_2)).isEqualTo(502);
    serve(new BackendTls(pem("ca.crt"), false, "someone-else.example.test"), null);
    assertThat(status(HttpClient.Version.HTTP_1_1)).as("wrong name").isEqualTo(502);
  }

  @Test
  void aConnectionOneGroupTrustedIsNeverLentToAGroupThatWouldNot() throws Exception {
    // One event loop, so both listeners' exchanges draw on the same pool of member connections.
    dataPlane.close();
    dataPlane = TestDataPlane.start(TestDataPlane.options().ioThreads(1));
    int strictPort = FreePorts.next();
    GroupConfig lax =
        new GroupConfig(
            "d/lax",
            BackendProtocol.HTTPS,
            Algorithm.ROUND_ROBIN,
            List.of(member(backend.port(), 1)),
            null,
            new BackendTls(null, true, null),
            null);
    GroupConfig strict =
        new GroupConfig(
            "d/strict",
            BackendProtocol.HTTPS,
            Algorithm.ROUND_ROBIN,
            List.of(member(backend.port(), 1)),
            null,
            new BackendTls(pem("other-ca.crt"), false, null),
            null);
    dataPlane.apply(
        new Snapshot(
            ++version,
            List.of(
                new ListenerConfig(
                    "d/lax",
                    ListenerProtocol.HTTPS,
                    port,
                    "d/lax",
                    null,
                    List.of(certificate("default"))),
                new ListenerConfig(
                    "d/strict",
                    ListenerProtocol.HTTPS,
                    strictPort,
                    "d/strict",
                    null,
                    List.of(certificate("default")))),
            List.of(lax, strict)));
    for (int i = 0; i < 4; i++) {
      assertThat(status(HttpClient.Version.HTTP_1_1)).isEqualTo(200);
      int strictStatus =
          client
              .send(
                  HttpRequest.newBuilder(URI.create("https://localhost:" + strictPort + "/"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode();
      assertThat(strictStatus)
          .as("the member does not verify under the strict group's CA")
          .isEqualTo(502);
    }
  }

  @Test
  void insecureSkipVerifyTrustsAnyMemberBecauseItWasAskedTo() throws Exception {
    serve(new BackendTls(null, true, null), null);
    assertThat(status(HttpClient.Version.HTTP_1_1)).isEqualTo(200);
  }

  @Test
  void httpsHealthChecksVerifyLikeTraffic() {
    HealthCheckConfig https =
        new HealthCheckConfig(
            true, HealthCheckProtocol.HTTPS, null, 2, 1, 1, 1, "/healthz", null, "200");
    serve(new BackendTls(pem("ca.crt"), false, "backend.example.test"), https);
    await().atMost(Duration.ofSeconds(10)).until(() -> health().state() == HealthState.HEALTHY);
    serve(new BackendTls(pem("other-ca.crt"), false, null), https);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(health().state()).isEqualTo(HealthState.UNHEALTHY);
              assertThat(health().reason()).startsWith("TLS: ");
            });
  }

  private MemberHealth health() {
    return dataPlane.dataPlane().status().groups().get(0).members().get(0);
  }
}
