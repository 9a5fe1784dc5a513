package dev.elbow.dataplane.metrics;

import static dev.elbow.dataplane.testing.Snapshots.listener;
import static dev.elbow.dataplane.testing.Snapshots.uncheckedGroup;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.HttpTestClient;
import dev.elbow.dataplane.testing.Scrape;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.testing.UdpEchoServer;
import dev.elbow.dataplane.testing.UdpTestClient;
import dev.elbow.snapshot.BackendProtocol;
import dev.elbow.snapshot.ListenerProtocol;
import dev.elbow.snapshot.Snapshot;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard of the Helm chart queries only series the data plane exports, so renaming a
 * metric breaks this test rather than a panel.
 */
class DashboardTest {

  private static final Path DASHBOARD = Path.of("../helm/elbow/dashboards/elbow.json");

  /** Series of the operator, which this module cannot scrape; the dashboard may name them. */
  private static final String OPERATOR_PREFIX = "elbow_operator_";

  private static final Pattern METRIC = Pattern.compile("\\belbow_[a-z0-9_]+");

  private final JsonNode dashboard;

  DashboardTest() throws Exception {
    dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
  }

  /** Every PromQL expression of the dashboard: panel targets and variable queries. */
  private List<String> expressions() {
    List<String> found = new ArrayList<>();
    dashboard.findValues("expr").forEach(e -> found.add(e.asText()));
    dashboard.get("templating").get("list").forEach(v -> found.add(v.path("definition").asText()));
    return found;
  }

  @Test
  void everyMetricTheDashboardQueriesIsExported() {
    Set<String> used = new TreeSet<>();
    for (String expression : expressions()) {
      Matcher m = METRIC.matcher(expression);
      while (m.find()) {
        if (!m.group().startsWith(OPERATOR_PREFIX)) {
          used.add(m.group());
        }
      }
    }
    assertThat(used).hasSizeGreaterThan(15);
    assertThat(exportedAfterTraffic()).containsAll(used);
  }

  /** The series names on /metrics once HTTP and UDP listeners have carried a request each. */
  private static Set<String> exportedAfterTraffic() {
    try (TestDataPlane dataPlane = TestDataPlane.start();
        DemoBackend web = DemoBackend.http("web", 0);
        UdpEchoServer udp = UdpEchoServer.start("udp")) {
      int httpPort = FreePorts.next();
      int udpPort = FreePorts.next();
      dataPlane.apply(
          new Snapshot(
              1,
              List.of(
                  listener("ns/web", ListenerProtocol.HTTP, httpPort, "ns/web"),
                  listener("ns/dns", ListenerProtocol.UDP, udpPort, "ns/dns")),
              List.of(
                  uncheckedGroup("ns/web", BackendProtocol.HTTP, web.port()),
                  uncheckedGroup("ns/dns", BackendProtocol.UDP, udp.port()))));
      assertThat(
              new HttpTestClient()
                  .get(URI.create("http://127.0.0.1:" + httpPort + "/"))
                  .statusCode())
          .isEqualTo(200);
      try (UdpTestClient client = new UdpTestClient(udpPort)) {
        assertThat(client.request("q")).isEqualTo("udp:q");
      }
      return Scrape.names(dataPlane.dataPlane().metrics());
    }
  }

  @Test
  void panelsQueryTheChosenPrometheusAndFilterByListenerAndGroup() {
    assertThat(dashboard.get("schemaVersion").asInt()).isBetween(36, 41);
    List<String> variables = new ArrayList<>();
    dashboard.get("templating").get("list").forEach(v -> variables.add(v.get("name").asText()));
    assertThat(variables).containsExactly("datasource", "listener", "group");
    List<JsonNode> panels = new ArrayList<>();
    dashboard.get("panels").forEach(panels::add);
    List<JsonNode> graphs =
        panels.stream().filter(p -> !p.get("type").asText().equals("row")).toList();
    assertThat(graphs).hasSizeGreaterThan(10);
    for (JsonNode panel : graphs) {
      assertThat(panel.get("datasource").get("uid").asText())
          .as(panel.get("title").asText())
          .isEqualTo("${datasource}");
      assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
    }
    String all = String.join("\n", expressions());
    assertThat(all).contains("listener=~\"$listener\"").contains("group=~\"$group\"");
  }
}
