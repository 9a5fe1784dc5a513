package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.check;
import static dev.elbow.operator.it.Resources.group;
import static dev.elbow.operator.it.Resources.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.api.v1alpha1.Algorithm;
import dev.elbow.api.v1alpha1.BackendProtocol;
import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.HealthCheck;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.Member;
import dev.elbow.api.v1alpha1.MemberStatus;
import dev.elbow.api.v1alpha1.SlowStart;
import dev.elbow.api.v1alpha1.StickySession;
import dev.elbow.api.v1alpha1.StickySessionType;
import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.TcpTestClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Traffic policy through the whole product: a group with cookie stickiness, slow start and a member
 * at weight 0, applied to a real API server; status shows the draining member and the ramping one,
 * and a client keeps its member through a change of the group.
 */
class TrafficPolicyEndToEndIT {

  private static ElbowUnderTest elbow;
  private static KubernetesClient kube;
  private static String namespace;
  private static final List<DemoBackend> backends = new ArrayList<>();
  private static int port;

  @BeforeAll
  static void start() {
    elbow = ElbowUnderTest.start("policy-e2e");
    kube = elbow.kube;
    namespace = elbow.namespace;
    for (String name : List.of("a", "b", "c")) {
      backends.add(DemoBackend.http(name, 0));
    }
    port = FreePorts.next();
  }

  @AfterAll
  static void stop() {
    if (elbow != null) {
      elbow.close();
    }
    backends.forEach(DemoBackend::close);
  }

  private static BackendServerGroup shop() {
    return kube.resources(BackendServerGroup.class).inNamespace(namespace).withName("shop").get();
  }

  private static MemberStatus statusOf(String backend) {
    int memberPort =
        backends.stream().filter(b -> b.name().equals(backend)).findFirst().get().port();
    BackendServerGroup group = shop();
    if (group.getStatus() == null || group.getStatus().getMembers() == null) {
      return null;
    }
    return group.getStatus().getMembers().stream()
        .filter(m -> m.getPort() == memberPort)
        .findFirst()
        .orElse(null);
  }

  /** A GET that sends back the sticky cookie it was given; returns the member that answered. */
  private static String get(HttpClient client, String[] cookie) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .timeout(Duration.ofSeconds(10));
    if (cookie[0] != null) {
      request.header("cookie", cookie[0]);
    }
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    response.headers().firstValue("set-cookie").ifPresent(c -> cookie[0] = c.split(";")[0]);
    return response.headers().firstValue("x-backend").orElseThrow();
  }

  @Test
  void stickyClientsDrainingAndSlowStartShowInStatusAndTraffic() throws Exception {
    BackendServerGroup group =
        group(
            namespace,
            "shop",
            BackendProtocol.HTTP,
            check(2, 1, 1, 1, "/healthz"),
            List.of(
                new Member("127.0.0.1", backends.get(0).port(), 1),
                new Member("127.0.0.1", backends.get(1).port(), 0)));
    StickySession sticky = new StickySession();
    sticky.setType(StickySessionType.LB_COOKIE);
    group.getSpec().setStickySession(sticky);
    SlowStart slowStart = new SlowStart();
    slowStart.setDurationSeconds(600); // long enough to be seen ramping in status
    group.getSpec().setSlowStart(slowStart);
    kube.resource(group).create();
    kube.resource(listener(namespace, "shop", ListenerProtocol.HTTP, port, "shop")).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(statusOf("a")).extracting(MemberStatus::getHealth).isEqualTo("Healthy");
              assertThat(statusOf("b")).extracting(MemberStatus::getHealth).isEqualTo("Draining");
              assertThat(shop().getStatus().getHealthy()).isEqualTo("1/2");
            });

    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String[] cookie = new String[1];
    for (int i = 0; i < 50; i++) {
      assertThat(get(client, cookie)).as("b drains: no new requests").isEqualTo("a");
    }
    assertThat(cookie[0]).startsWith("ELBOW_LB=");

    // b back to weight 1 and c joins: c ramps up (status shows its effective weight), and the
    // sticky client stays on a throughout.
    kube.resources(BackendServerGroup.class)
        .inNamespace(namespace)
        .withName("shop")
        .edit(
            g -> {
              g.getSpec().getMembers().get(1).setWeight(1);
              g.getSpec().getMembers().add(new Member("127.0.0.1", backends.get(2).port(), 10));
              return g;
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              MemberStatus c = statusOf("c");
              assertThat(c).isNotNull();
              assertThat(c.getHealth()).isEqualTo("Healthy");
              assertThat(c.getEffectiveWeight()).isBetween(1, 9);
              assertThat(statusOf("b").getHealth()).isEqualTo("Healthy");
            });
    for (int i = 0; i < 50; i++) {
      assertThat(get(client, cookie)).isEqualTo("a");
    }
  }

  @Test
  void leastConnectionsWithSourceIpStickinessAndApplicationCookiesThroughTheApiServer()
      throws Exception {
    DemoBackend t1 = DemoBackend.tcp("t1", 0);
    DemoBackend t2 = DemoBackend.tcp("t2", 0);
    try {
      HealthCheck off = new HealthCheck();
      off.setEnabled(false);
      BackendServerGroup db =
          group(
              namespace,
              "db",
              BackendProtocol.TCP,
              off,
              List.of(
                  new Member("127.0.0.1", t1.port(), 1), new Member("127.0.0.1", t2.port(), 1)));
      db.getSpec().setAlgorithm(Algorithm.LEAST_CONNECTIONS);
      StickySession byIp = new StickySession();
      byIp.setType(StickySessionType.SOURCE_IP);
      db.getSpec().setStickySession(byIp);
      kube.resource(db).create();
      int dbPort = FreePorts.next();
      kube.resource(listener(namespace, "db", ListenerProtocol.TCP, dbPort, "db")).create();

      BackendServerGroup app =
          group(
              namespace,
              "app",
              BackendProtocol.HTTP,
              off,
              List.of(
                  new Member("127.0.0.1", backends.get(0).port(), 1),
                  new Member("127.0.0.1", backends.get(1).port(), 1)));
      StickySession byCookie = new StickySession();
      byCookie.setType(StickySessionType.APP_COOKIE);
      byCookie.setAppCookieName("JSESSIONID");
      app.getSpec().setStickySession(byCookie);
      kube.resource(app).create();
      int appPort = FreePorts.next();
      kube.resource(listener(namespace, "app", ListenerProtocol.HTTP, appPort, "app")).create();

      // Each client address keeps one member; new addresses are spread by least connections.
      java.util.Set<String> members = new java.util.HashSet<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> TcpTestClient.backendOf(dbPort, "127.0.0.2") != null);
      for (int c = 2; c < 8; c++) {
        String client = "127.0.0." + c;
        String first = TcpTestClient.backendOf(dbPort, client);
        members.add(first);
        for (int i = 0; i < 10; i++) {
          assertThat(TcpTestClient.backendOf(dbPort, client)).as(client).isEqualTo(first);
        }
      }
      assertThat(members).containsExactlyInAnyOrder("t1", "t2");

      // The application's session cookie keeps a client on the member that set it.
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () ->
                  client
                          .send(
                              HttpRequest.newBuilder(
                                      URI.create("http://127.0.0.1:" + appPort + "/"))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString())
                          .statusCode()
                      == 200);
      HttpResponse<String> login =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + "/login")).build(),
              HttpResponse.BodyHandlers.ofString());
      String member = login.headers().firstValue("x-backend").orElseThrow();
      String cookies =
          login.headers().allValues("set-cookie").stream()
              .map(c -> c.split(";")[0])
              .collect(java.util.stream.Collectors.joining("; "));
      assertThat(cookies).contains("JSESSIONID=").contains("ELBOW_APP=");
      for (int i = 0; i < 50; i++) {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + "/"))
                    .header("cookie", cookies)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("x-backend")).hasValue(member);
      }
    } finally {
      t1.close();
      t2.close();
    }
  }
}
