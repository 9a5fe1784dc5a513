package dev.elbow.operator.it;

import static dev.elbow.operator.it.Resources.condition;
import static dev.elbow.operator.it.Resources.listener;
import static dev.elbow.operator.it.Resources.loopbackHttpGroup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.ForwardingRule;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.api.v1alpha1.ListenerProtocol;
import dev.elbow.api.v1alpha1.PathMatch;
import dev.elbow.api.v1alpha1.PathMatchType;
import dev.elbow.api.v1alpha1.RuleMatch;
import dev.elbow.api.v1alpha1.RuleRedirect;
import dev.elbow.api.v1alpha1.RuleTarget;
import dev.elbow.dataplane.demo.DemoBackend;
import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.RawHttp;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Forwarding rules through the whole product on a real API server: a Listener sends two hosts and
 * three paths to three groups, one of them split 90/10 with a canary; the API server refuses rules
 * on a TCP listener, naming the field; a rule naming a missing group is a condition naming the
 * rule; a group only a rule names is kept from deletion as the listener's group is.
 */
class ForwardingRulesIT {

  private static final List<String> GROUPS = List.of("shop", "static", "api", "api-canary");

  private static ElbowUnderTest elbow;
  private static KubernetesClient kube;
  private static String namespace;
  private static final List<DemoBackend> backends = new ArrayList<>();
  private static int port;

  @BeforeAll
  static void start() {
    elbow = ElbowUnderTest.start("rules-e2e");
    kube = elbow.kube;
    namespace = elbow.namespace;
    port = FreePorts.next();
    for (String name : GROUPS) {
      DemoBackend backend = DemoBackend.http(name, 0);
      backends.add(backend);
      kube.resource(loopbackHttpGroup(namespace, name, backend.port())).create();
    }
  }

  @AfterAll
  static void stop() {
    if (elbow != null) {
      elbow.close();
    }
    backends.forEach(DemoBackend::close);
  }

  private static ForwardingRule rule(String host, String prefix, RuleTarget... targets) {
    return new ForwardingRule(
        List.of(host),
        List.of(new RuleMatch(new PathMatch(PathMatchType.PathPrefix, prefix))),
        List.of(targets));
  }

  private static ForwardingRule redirect(String host, RuleRedirect redirect) {
    ForwardingRule rule = new ForwardingRule(List.of(host), null, null);
    rule.setRedirect(redirect);
    return rule;
  }

  private static Listener withRules(
      String name, ListenerProtocol protocol, int port, ForwardingRule... rules) {
    Listener listener = listener(namespace, name, protocol, port, "shop");
    listener.getSpec().setRules(List.of(rules));
    return listener;
  }

  @Test
  void hostsPathsAndANinetyTenSplit() {
    kube.resource(
            withRules(
                "www",
                ListenerProtocol.HTTP,
                port,
                rule("shop.example.com", "/static", new RuleTarget("static", 1)),
                rule(
                    "api.example.com",
                    "/v1",
                    new RuleTarget("api", 90),
                    new RuleTarget("api-canary", 10)),
                redirect(
                    "old.example.com",
                    new RuleRedirect("https", "shop.example.com", null, null, 301))))
        .create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Listener served =
                  kube.resources(Listener.class).inNamespace(namespace).withName("www").get();
              assertThat(served.getStatus()).isNotNull();
              assertThat(condition(served.getStatus().getConditions(), "Ready"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
              assertThat(condition(served.getStatus().getConditions(), "Accepted"))
                  .hasValueSatisfying(
                      c ->
                          assertThat(c.getMessage())
                              .contains("by 3 forwarding rules to api, api-canary, static"));
              // Every group healthy in the data plane before counting.
              for (String group : GROUPS) {
                BackendServerGroup g =
                    kube.resources(BackendServerGroup.class)
                        .inNamespace(namespace)
                        .withName(group)
                        .get();
                assertThat(g.getStatus()).isNotNull();
                assertThat(g.getStatus().getHealthy()).as(group).isEqualTo("1/1");
              }
            });
    assertThat(RawHttp.backendFor(port, "shop.example.com", "/static/site.css"))
        .isEqualTo("static");
    assertThat(RawHttp.backendFor(port, "shop.example.com", "/cart"))
        .as("no rule takes it")
        .isEqualTo("shop");
    assertThat(RawHttp.backendFor(port, "other.org", "/static")).isEqualTo("shop");
    assertThat(
            RawHttp.exchange(
                port,
                "GET /cart HTTP/1.1\r\nHost: old.example.com\r\nConnection: close\r\n\r\n",
                2_000))
        .startsWith("HTTP/1.1 301")
        .contains("location: https://shop.example.com/cart");
    Map<String, Integer> seen = new TreeMap<>();
    for (int i = 0; i < 2_000; i++) {
      seen.merge(RawHttp.backendFor(port, "api.example.com", "/v1/orders"), 1, Integer::sum);
    }
    assertThat(seen.keySet()).containsExactly("api", "api-canary");
    assertThat(seen.get("api-canary") / 20.0)
        .as("percent to the canary: %s", seen)
        .isBetween(8.0, 12.0);

    // A group only a rule names is in use, as the listener's own group is.
    assertThat(
            kube.resources(BackendServerGroup.class)
                .inNamespace(namespace)
                .withName("static")
                .get()
                .getMetadata()
                .getFinalizers())
        .contains("elbow.dev/in-use");
  }

  @Test
  void theApiServerRefusesRulesOnATcpListener() {
    Resources.assertRefused(
        kube,
        withRules(
            "tcp",
            ListenerProtocol.TCP,
            FreePorts.next(),
            rule("db.example.com", "/", new RuleTarget("shop", 1))),
        "spec.rules",
        "only HTTP and HTTPS listeners route by host and path");
  }

  @Test
  void theApiServerRefusesARuleWithTwoActions() {
    ForwardingRule both = rule("x.example.com", "/", new RuleTarget("shop", 1));
    both.setRedirect(new RuleRedirect(null, "y.example.com", null, null, 302));
    Resources.assertRefused(
        kube,
        withRules("two-actions", ListenerProtocol.HTTP, FreePorts.next(), both),
        "give exactly one of forwardTo, redirect and fixedResponse");
  }

  @Test
  void aRuleNamingAMissingGroupIsAConditionNamingTheRule() {
    kube.resource(
            withRules(
                "missing",
                ListenerProtocol.HTTP,
                FreePorts.next(),
                rule("x.example.com", "/", new RuleTarget("nope", 1))))
        .create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Listener refused =
                  kube.resources(Listener.class).inNamespace(namespace).withName("missing").get();
              assertThat(refused.getStatus()).isNotNull();
              assertThat(condition(refused.getStatus().getConditions(), "Accepted"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo("GroupNotFound");
                        assertThat(c.getMessage())
                            .contains("spec.rules[0].forwardTo[0].backendGroup")
                            .contains("\"nope\"");
                      });
            });
  }
}
