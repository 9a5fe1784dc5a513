package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.member;
import static dev.elbow.snapshot.testing.TestCertificates.certificate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.testing.TestTls;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.SameSite;
import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.StickySession;
import dev.elbow.snapshot.StickySessionType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cookie sticky sessions through the proxy, with real clients that keep cookies as browsers do (the
 * JDK's CookieManager honours Max-Age, Path and Secure).
 */
class StickySessionProxyTest {

  private static final int REQUESTS_PER_CLIENT = 1000;

  private TestDataPlane dataPlane;
  private final List<DemoBackend> backends = new ArrayList<>();
  private int port;
  private long version;

  @BeforeEach
  void start() {
    dataPlane = TestDataPlane.start();
    for (String name : List.of("a", "b", "c")) {
      backends.add(DemoBackend.http(name, 0));
    }
    port = FreePorts.next();
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    backends.forEach(DemoBackend::close);
  }

  private void serve(ListenerProtocol protocol, StickySession sticky) {
    serve(protocol, sticky, backends);
  }

  private void serve(ListenerProtocol protocol, StickySession sticky, List<DemoBackend> members) {
    dataPlane.apply(
        new Snapshot(
            ++version,
            List.of(
                new ListenerConfig(
                    "d/www",
                    protocol,
                    port,
                    "d/web",
                    null,
                    protocol == ListenerProtocol.HTTPS
                        ? List.of(certificate("default"))
                        : List.of())),
            List.of(
                new GroupConfig(
                    "d/web",
                    BackendProtocol.HTTP,
                    Algorithm.ROUND_ROBIN,
                    members.stream().map(b -> member(b.port(), 1)).toList(),
                    HealthCheckConfig.DISABLED,
                    null,
                    null,
                    sticky,
                    null))));
  }

  private static StickySession lbCookie() {
    return new StickySession(StickySessionType.LB_COOKIE, 30, null, true, "/", SameSite.LAX);
  }

  /** A client with a cookie jar: what Set-Cookie stores comes back in Cookie. */
  private record Browser(HttpClient client, Map<String, String> jar) {}

  private static Browser browser() {
    return browser(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1));
  }

  private static Browser browser(HttpClient.Builder builder) {
    return new Browser(
        builder.connectTimeout(Duration.ofSeconds(5)).build(), new LinkedHashMap<>());
  }

  private HttpResponse<String> get(Browser browser, String path) throws Exception {
    return get(browser, URI.create("http://localhost:" + port + path));
  }

  private static HttpResponse<String> get(Browser browser, URI uri) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (!browser.jar().isEmpty()) {
      request.header(
          "cookie",
          browser.jar().entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining("; ")));
    }
    HttpResponse<String> response =
        browser.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    for (String cookie : response.headers().allValues("set-cookie")) {
      String pair = cookie.split(";")[0];
      browser
          .jar()
          .put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
    }
    return response;
  }

  private static String backend(HttpResponse<String> response) {
    return response.headers().firstValue("x-backend").orElseThrow();
  }

  @Test
  void lbCookieKeepsEachClientOnOneMemberFor1000Requests() throws Exception {
    serve(ListenerProtocol.HTTP, lbCookie());
    Set<String> firstMembers = new HashSet<>();
    for (int c = 0; c < 5; c++) {
      Browser client = browser();
      HttpResponse<String> first = get(client, "/");
      assertThat(first.headers().firstValue("set-cookie").orElseThrow())
          .matches("ELBOW_LB=[0-9a-f]{16}; Max-Age=1800; Path=/; HttpOnly; SameSite=Lax");
      String member = backend(first);
      firstMembers.add(member);
      for (int i = 1; i < REQUESTS_PER_CLIENT; i++) {
        assertThat(backend(get(client, "/"))).as("client %d, request %d", c, i).isEqualTo(member);
      }
    }
    assertThat(firstMembers).as("new clients still go round robin").hasSizeGreaterThan(1);
  }

  @Test
  void whenTheStickyMemberDiesTheClientMovesWithoutAFailedRequestAndTheCookieFollows()
      throws Exception {
    serve(ListenerProtocol.HTTP, lbCookie());
    Browser client = browser();
    String before = backend(get(client, "/"));
    backends.stream().filter(b -> b.name().equals(before)).findFirst().orElseThrow().stop();

    HttpResponse<String> moved = get(client, "/"); // the one retry goes to another member
    String after = backend(moved);
    assertThat(after).isNotEqualTo(before);
    assertThat(moved.headers().firstValue("set-cookie")).isPresent();
    for (int i = 0; i < 200; i++) {
      assertThat(backend(get(client, "/"))).isEqualTo(after);
    }
  }

  @Test
  void appCookieSessionsFollowTheApplicationsCookie() throws Exception {
    serve(
        ListenerProtocol.HTTP,
        new StickySession(StickySessionType.APP_COOKIE, 60, "JSESSIONID", true, "/", null));
    Browser client = browser();
    HttpResponse<String> login = get(client, "/login");
    String member = backend(login);
    assertThat(login.headers().allValues("set-cookie"))
        .anyMatch(c -> c.startsWith("JSESSIONID=" + member + "-"))
        .anyMatch(c -> c.matches("ELBOW_APP=[0-9a-f]{16}; Max-Age=3600; Path=/; HttpOnly"));
    for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
      HttpResponse<String> response = get(client, "/");
      assertThat(backend(response)).isEqualTo(member);
      assertThat(response.headers().firstValue("set-cookie")).as("nothing to renew").isEmpty();
    }

    // Without the application's cookie there is no session: requests go round robin again.
    Browser anonymous = browser();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      seen.add(backend(get(anonymous, "/")));
    }
    assertThat(seen).hasSize(3);

    // The session's member dies: the request is served elsewhere and the route cookie rewritten.
    backends.stream().filter(b -> b.name().equals(member)).findFirst().orElseThrow().stop();
    HttpResponse<String> moved = get(client, "/");
    assertThat(backend(moved)).isNotEqualTo(member);
    assertThat(moved.headers().allValues("set-cookie")).anyMatch(c -> c.startsWith("ELBOW_APP="));
    String now = backend(moved);
    for (int i = 0; i < 100; i++) {
      assertThat(backend(get(client, "/"))).isEqualTo(now);
    }
  }

  @Test
  void http2ClientsOfAnHttpsListenerStickAndGetASecureCookie() throws Exception {
    serve(ListenerProtocol.HTTPS, lbCookie());
    Browser client =
        browser(
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .sslContext(TestTls.clientTrustingTestCa()));
    URI uri = URI.create("https://localhost:" + port + "/");
    HttpResponse<String> first = get(client, uri);
    assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(first.headers().firstValue("set-cookie").orElseThrow()).endsWith("; Secure");
    String member = backend(first);
    for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
      assertThat(backend(get(client, uri))).isEqualTo(member);
    }
  }

  @Test
  void whenTheStickyMemberLeavesTheGroupTheClientMovesAndTheCookieFollows() throws Exception {
    serve(ListenerProtocol.HTTP, lbCookie());
    Browser client = browser();
    String before = backend(get(client, "/"));
    String cookie = client.jar().get("ELBOW_LB");
    serve(
        ListenerProtocol.HTTP,
        lbCookie(),
        backends.stream().filter(b -> !b.name().equals(before)).toList());

    String after = backend(get(client, "/"));
    assertThat(after).isNotEqualTo(before);
    assertThat(client.jar().get("ELBOW_LB")).as("a new cookie").isNotEqualTo(cookie);
    for (int i = 0; i < 100; i++) {
      assertThat(backend(get(client, "/"))).isEqualTo(after);
    }
  }
}
