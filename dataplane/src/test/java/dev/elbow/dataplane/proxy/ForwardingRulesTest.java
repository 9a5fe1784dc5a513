package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.member;
import static dev.elbow.snapshot.testing.TestCertificates.certificate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.ApplyOutcome;
import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.H2TestClient;
import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.HttpRule;
import dev.elbow.snapshot.HttpRule.Match;
import dev.elbow.snapshot.HttpRule.PathType;
import dev.elbow.snapshot.HttpRule.WeightedGroup;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Forwarding rules on a listener, end to end: two hosts and three paths to three groups, one of
 * them split 90/10 with a canary, over HTTP/1.1 (the Host header) and HTTP/2 (:authority); what no
 * rule takes goes to the listener's group; a rule naming a missing group is refused whole and the
 * rules before it keep serving.
 */
class ForwardingRulesTest {

  private static final List<String> NAMES = List.of("default", "shop", "static", "api", "canary");

  private TestDataPlane dataPlane;
  private final List<DemoBackend> backends = new ArrayList<>();
  private int httpPort;
  private int httpsPort;

  @BeforeEach
  void start() {
    dataPlane = TestDataPlane.start();
    for (String name : NAMES) {
      backends.add(DemoBackend.http(name, 0));
    }
    httpPort = FreePorts.next();
    httpsPort = FreePorts.next();
    dataPlane.apply(snapshot(1, rules("ns/api-canary")));
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    backends.forEach(DemoBackend::close);
  }

  private static List<HttpRule> rules(String canaryGroup) {
    return List.of(
        new HttpRule(
            List.of("shop.example.com"),
            List.of(Match.path(PathType.PREFIX, "/")),
            List.of(new WeightedGroup("ns/shop", 1))),
        new HttpRule(
            List.of("shop.example.com"),
            List.of(Match.path(PathType.PREFIX, "/static")),
            List.of(new WeightedGroup("ns/static", 1))),
        new HttpRule(
            List.of("api.example.com"),
            List.of(Match.path(PathType.PREFIX, "/v1")),
            List.of(new WeightedGroup("ns/api", 90), new WeightedGroup(canaryGroup, 10))),
        new HttpRule(
            List.of("old.example.com"),
            List.of(),
            List.of(),
            new HttpRule.Redirect("https", "shop.example.com", null, null, 301),
            null),
        new HttpRule(
            List.of("shop.example.com"),
            List.of(Match.path(PathType.EXACT, "/health")),
            List.of(),
            null,
            new HttpRule.FixedResponse(200, null, "shop is up")));
  }

  private Snapshot snapshot(long version, List<HttpRule> rules) {
    List<GroupConfig> groups = new ArrayList<>();
    for (int i = 0; i < NAMES.size(); i++) {
      String name = i == 4 ? "ns/api-canary" : "ns/" + NAMES.get(i);
      groups.add(
          new GroupConfig(
              name,
              BackendProtocol.HTTP,
              Algorithm.ROUND_ROBIN,
              List.of(member(backends.get(i).port(), 1)),
              HealthCheckConfig.DISABLED,
              null,
              null,
              null,
              null));
    }
    return new Snapshot(
        version,
        List.of(
            new ListenerConfig(
                "ns/www", ListenerProtocol.HTTP, httpPort, "ns/default", null, null, null, rules),
            new ListenerConfig(
                "ns/www-tls",
                ListenerProtocol.HTTPS,
                httpsPort,
                "ns/default",
                null,
                List.of(certificate("default")),
                null,
                rules)),
        groups);
  }

  @Test
  void hostsAndPathsPickTheirGroupsOverHttp1() {
    assertThat(RawHttp.backendFor(httpPort, "shop.example.com", "/cart")).isEqualTo("shop");
    assertThat(RawHttp.backendFor(httpPort, "shop.example.com", "/static/site.css"))
        .isEqualTo("static");
    assertThat(RawHttp.backendFor(httpPort, "SHOP.example.com:8080", "/static"))
        .isEqualTo("static");
    assertThat(RawHttp.backendFor(httpPort, "shop.example.com", "/staticx"))
        .as("whole segments")
        .isEqualTo("shop");
    assertThat(RawHttp.backendFor(httpPort, "api.example.com", "/v1/orders?id=1"))
        .isIn("api", "canary");
    assertThat(RawHttp.backendFor(httpPort, "api.example.com", "/v2"))
        .as("no rule of the host")
        .isEqualTo("default");
    assertThat(RawHttp.backendFor(httpPort, "other.org", "/static"))
        .as("no rule for the host")
        .isEqualTo("default");
  }

  @Test
  void redirectsAndFixedResponsesAreAnsweredWithoutAGroup() throws Exception {
    String redirect =
        RawHttp.exchange(httpPort, "GET /cart?id=7 HTTP/1.1\r\nHost: old.example.com\r\n\r\n", 500);
    assertThat(redirect)
        .startsWith("HTTP/1.1 301 Moved Permanently")
        .contains("location: https://shop.example.com/cart?id=7")
        .contains("content-length: 0")
        .doesNotContain("connection: close");
    String fixed =
        RawHttp.exchange(
            httpPort,
            "GET /health HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close\r\n\r\n",
            2_000);
    assertThat(fixed).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nshop is up");
    try (H2TestClient client = H2TestClient.tls(httpsPort)) {
      H2TestClient.Stream moved =
          client
              .open(H2TestClient.request("GET", "/a").authority("old.example.com"), true, true)
              .await(10);
      assertThat(moved.status()).isEqualTo("301");
      assertThat(moved.head(1).get("location").toString()).isEqualTo("https://shop.example.com/a");
      H2TestClient.Stream up =
          client
              .open(
                  H2TestClient.request("GET", "/health").authority("shop.example.com"), true, true)
              .await(10);
      assertThat(up.status()).isEqualTo("200");
      assertThat(up.text()).isEqualTo("shop is up");
    }
    for (DemoBackend backend : backends) {
      assertThat(backend.served()).as(backend.name()).isZero();
    }
  }

  @Test
  void anAbsoluteFormTargetIsRoutedByItsOwnHostAndPath() {
    // The member serves the target's path; rules must see it, not "http://..." nor Host.
    String answer =
        RawHttp.exchange(
            httpPort,
            "GET http://shop.example.com/static/x HTTP/1.1\r\nHost: other.org\r\n"
                + "Connection: close\r\n\r\n",
            2_000);
    assertThat(answer).startsWith("HTTP/1.1 200").contains("x-backend: static");
    String health =
        RawHttp.exchange(
            httpPort,
            "GET HTTP://SHOP.example.com:80/health HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n",
            2_000);
    assertThat(health).startsWith("HTTP/1.1 200").endsWith("shop is up");
  }

  @Test
  void aHeadGetsAFixedResponsesHeadAloneAndTheConnectionGoesOn() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", httpPort)) {
      socket.setSoTimeout(5_000);
      socket
          .getOutputStream()
          .write(
              ("HEAD /health HTTP/1.1\r\nHost: shop.example.com\r\n\r\n"
                      + "GET /health HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String both =
          new String(
              socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
      // The HEAD's head (Content-Length of the body it does not carry), then the GET's answer.
      assertThat(both)
          .startsWith("HTTP/1.1 200 OK")
          .contains("content-length: 10\r\n\r\nHTTP/1.1 200 OK")
          .endsWith("\r\n\r\nshop is up");
    }
  }

  @Test
  void ninetyTenSplitOver2000Requests() {
    Map<String, Integer> seen = new TreeMap<>();
    for (int i = 0; i < 2_000; i++) {
      seen.merge(RawHttp.backendFor(httpPort, "api.example.com", "/v1/x"), 1, Integer::sum);
    }
    assertThat(seen.keySet()).containsExactly("api", "canary");
    assertThat(seen.get("canary") / 20.0)
        .as("percent to the canary: %s", seen)
        .isBetween(8.0, 12.0);
  }

  @Test
  void hostsAndPathsPickTheirGroupsOverHttp2() throws Exception {
    try (H2TestClient client = H2TestClient.tls(httpsPort)) {
      assertThat(viaHttp2(client, "shop.example.com", "/static/a.js")).isEqualTo("static");
      assertThat(viaHttp2(client, "shop.example.com:443", "/")).isEqualTo("shop");
      assertThat(viaHttp2(client, "api.example.com", "/v1")).isIn("api", "canary");
      assertThat(viaHttp2(client, "localhost", "/static")).isEqualTo("default");
    }
  }

  private static String viaHttp2(H2TestClient client, String authority, String path)
      throws Exception {
    Http2Headers request = H2TestClient.request("GET", path).authority(authority);
    H2TestClient.Stream stream = client.open(request, true, true).await(10);
    assertThat(stream.status()).isEqualTo("200");
    return stream.head(1).get("x-backend").toString();
  }

  @Test
  void aListenerWithoutAGroupAnswersWhatNoRuleTakes404() throws Exception {
    // A Gateway API listener: routes only, no group of its own.
    Snapshot withDefault = snapshot(2, rules("ns/api-canary"));
    List<ListenerConfig> groupless =
        withDefault.listeners().stream()
            .map(
                l ->
                    new ListenerConfig(
                        l.name(),
                        l.protocol(),
                        l.port(),
                        null,
                        null,
                        l.certificates(),
                        null,
                        l.rules()))
            .toList();
    ApplyOutcome outcome =
        dataPlane.dataPlane().apply(new Snapshot(2, groupless, withDefault.groups())).join();
    assertThat(outcome.kind()).as(outcome.toString()).isEqualTo(ApplyOutcome.Kind.APPLIED);
    assertThat(RawHttp.backendFor(httpPort, "shop.example.com", "/static/a")).isEqualTo("static");
    String unrouted =
        RawHttp.exchange(
            httpPort,
            "GET /v2 HTTP/1.1\r\nHost: api.example.com\r\nConnection: close\r\n\r\n",
            2_000);
    assertThat(unrouted).startsWith("HTTP/1.1 404 Not Found").contains("no route of this listener");
    try (H2TestClient client = H2TestClient.tls(httpsPort)) {
      H2TestClient.Stream stream =
          client
              .open(H2TestClient.request("GET", "/x").authority("other.org"), true, true)
              .await(10);
      assertThat(stream.status()).isEqualTo("404");
      assertThat(viaHttp2(client, "shop.example.com", "/static/a.js")).isEqualTo("static");
    }
    assertThat(backends.get(0).served()).as("the group the listener no longer has").isZero();
  }

  @Test
  void aRuleNamingAMissingGroupIsRefusedAndTheLastGoodRulesServe() {
    ApplyOutcome outcome = dataPlane.dataPlane().apply(snapshot(2, rules("ns/nope"))).join();
    assertThat(outcome.kind()).isNotEqualTo(ApplyOutcome.Kind.APPLIED);
    assertThat(outcome.toString())
        .contains("listeners[0].rules[2].forwardTo[1].group: no group \"ns/nope\"");
    assertThat(RawHttp.backendFor(httpPort, "shop.example.com", "/static")).isEqualTo("static");
  }
}
