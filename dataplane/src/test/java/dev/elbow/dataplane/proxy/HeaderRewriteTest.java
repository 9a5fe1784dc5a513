package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.member;
import static dev.elbow.snapshot.testing.TestCertificates.certificate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.H2TestClient;
import dev.elbow.dataplane.testing.RawHttp;
import dev.elbow.dataplane.testing.RecordingBackend;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.GroupConfig;
import dev.elbow.snapshot.HealthCheckConfig;
import dev.elbow.snapshot.HttpRule;
import dev.elbow.snapshot.HttpRule.Header;
import dev.elbow.snapshot.HttpRule.HeaderModifier;
import dev.elbow.snapshot.HttpRule.WeightedGroup;
import dev.elbow.snapshot.ListenerConfig;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A forwarding rule's header changes (Gateway API's RequestHeaderModifier and
 * ResponseHeaderModifier): set replaces every line of its name, add appends, remove drops, on the
 * request as the member gets it and on the response as the client gets it, over both versions.
 */
class HeaderRewriteTest {

  private TestDataPlane dataPlane;
  private RecordingBackend member;
  private int httpPort;
  private int httpsPort;

  @BeforeEach
  void start() {
    dataPlane = TestDataPlane.start();
    member = RecordingBackend.start();
    httpPort = FreePorts.next();
    httpsPort = FreePorts.next();
    List<HttpRule> rules =
        List.of(
            new HttpRule(
                List.of("hdr.example.com"),
                List.of(),
                List.of(new WeightedGroup("ns/app", 1)),
                null,
                null,
                new HeaderModifier(
                    List.of(new Header("X-Env", "prod")),
                    List.of(new Header("X-Added", "1")),
                    List.of("X-Debug")),
                new HeaderModifier(
                    List.of(new Header("Cache-Control", "no-store")),
                    List.of(new Header("X-Served-By", "elbow")),
                    null)));
    dataPlane.apply(
        new Snapshot(
            1,
            List.of(
                new ListenerConfig(
                    "ns/www", ListenerProtocol.HTTP, httpPort, "ns/app", null, null, null, rules),
                new ListenerConfig(
                    "ns/www-tls",
                    ListenerProtocol.HTTPS,
                    httpsPort,
                    "ns/app",
                    null,
                    List.of(certificate("default")),
                    null,
                    rules)),
            List.of(
                new GroupConfig(
                    "ns/app",
                    BackendProtocol.HTTP,
                    Algorithm.ROUND_ROBIN,
                    List.of(member(member.port(), 1)),
                    HealthCheckConfig.DISABLED,
                    null,
                    null,
                    null,
                    null))));
  }

  @AfterEach
  void stop() {
    dataPlane.close();
    member.close();
  }

  private static Map<String, List<String>> headers(RecordingBackend.Received request) {
    Map<String, List<String>> byName = new java.util.TreeMap<>();
    request
        .headers()
        .forEach(
            h ->
                byName
                    .computeIfAbsent(h.getKey().toLowerCase(), k -> new java.util.ArrayList<>())
                    .add(h.getValue()));
    return byName;
  }

  @Test
  void http1RequestsAndResponsesAreRewritten() {
    String answer =
        RawHttp.exchange(
            httpPort,
            "GET / HTTP/1.1\r\nHost: hdr.example.com\r\nX-Env: dev\r\nx-env: test\r\n"
                + "X-Debug: 1\r\nX-Kept: yes\r\nConnection: close\r\n\r\n",
            2_000);
    assertThat(answer)
        .startsWith("HTTP/1.1 200")
        .contains("Cache-Control: no-store\r\n")
        .contains("X-Served-By: elbow\r\n");
    Map<String, List<String>> got = headers(member.requests().get(0));
    assertThat(got.get("x-env")).containsExactly("prod");
    assertThat(got.get("x-added")).containsExactly("1");
    assertThat(got.get("x-kept")).containsExactly("yes");
    assertThat(got).doesNotContainKey("x-debug");

    // Another host: no rule, nothing changed.
    RawHttp.exchange(
        httpPort,
        "GET / HTTP/1.1\r\nHost: other\r\nX-Debug: 1\r\nConnection: close\r\n\r\n",
        2_000);
    assertThat(headers(member.requests().get(1))).containsKey("x-debug");
  }

  @Test
  void http2RequestsAndResponsesAreRewritten() throws Exception {
    try (H2TestClient client = H2TestClient.tls(httpsPort)) {
      H2TestClient.Stream stream =
          client
              .open(
                  H2TestClient.request("GET", "/")
                      .authority("hdr.example.com")
                      .add("x-env", "dev")
                      .add("x-debug", "1"),
                  true,
                  true)
              .await(10);
      assertThat(stream.status()).isEqualTo("200");
      assertThat(stream.head(1).get("cache-control")).hasToString("no-store");
      assertThat(stream.head(1).get("x-served-by")).hasToString("elbow");
    }
    Map<String, List<String>> got = headers(member.requests().get(0));
    assertThat(got.get("x-env")).containsExactly("prod");
    assertThat(got.get("x-added")).containsExactly("1");
    assertThat(got).doesNotContainKey("x-debug");
  }
}
