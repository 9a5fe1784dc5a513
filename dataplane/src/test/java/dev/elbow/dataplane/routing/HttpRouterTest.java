package dev.elbow.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.snapshot.HttpRule;
import dev.elbow.snapshot.HttpRule.Match;
import dev.elbow.snapshot.HttpRule.PathType;
import dev.elbow.snapshot.HttpRule.ValueMatch;
import dev.elbow.snapshot.HttpRule.ValueType;
import dev.elbow.snapshot.HttpRule.WeightedGroup;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The compiled forwarding rules of a listener: which group a request goes to, and why. */
class HttpRouterTest {

  private static final Function<String, String> SAME = name -> name;

  private record Request(
      String host,
      String path,
      String method,
      Map<String, String> headers,
      String query,
      java.net.InetAddress client)
      implements HttpRequestView {
    static Request get(String host, String path) {
      int q = path.indexOf('?');
      return new Request(
          host,
          q < 0 ? path : path.substring(0, q),
          "GET",
          Map.of(),
          q < 0 ? null : path.substring(q + 1),
          java.net.InetAddress.getLoopbackAddress());
    }

    Request with(String method, Map<String, String> headers) {
      return new Request(host, path, method, headers, query, client);
    }

    @Override
    public CharSequence header(String name) {
      return headers.get(name);
    }
  }

  private static HttpRule rule(List<String> hosts, Match match, String group) {
    return new HttpRule(hosts, List.of(match), List.of(new WeightedGroup(group, 1)));
  }

  private static Match prefix(String path) {
    return Match.path(PathType.PREFIX, path);
  }

  @Test
  void theHostPicksOneSetOfRulesExactThenLongestWildcardThenAny() {
    HttpRouter<String> router =
        HttpRouter.compile(
            List.of(
                rule(List.of(), prefix("/"), "any"),
                rule(List.of("*.example.com"), prefix("/"), "wild"),
                rule(List.of("*.eu.example.com"), prefix("/"), "wild-eu"),
                rule(List.of("shop.example.com"), prefix("/cart"), "shop")),
            SAME);
    assertThat(router.route(Request.get("shop.example.com", "/cart/1"))).isEqualTo("shop");
    assertThat(router.route(Request.get("SHOP.Example.COM", "/cart"))).isEqualTo("shop");
    // The exact host's rules alone: a path they do not take is the listener's default.
    assertThat(router.route(Request.get("shop.example.com", "/other"))).isNull();
    assertThat(router.route(Request.get("api.example.com", "/"))).isEqualTo("wild");
    assertThat(router.route(Request.get("a.b.example.com", "/"))).isEqualTo("wild");
    assertThat(router.route(Request.get("paris.eu.example.com", "/"))).isEqualTo("wild-eu");
    assertThat(router.route(Request.get("example.com", "/")))
        .as("a wildcard needs a label")
        .isEqualTo("any");
    assertThat(router.route(Request.get("other.org", "/"))).isEqualTo("any");
    assertThat(router.route(Request.get(null, "/"))).isEqualTo("any");
  }

  @Test
  void pathsGoExactThenLongestPrefixThenRegexWholeSegmentsOnly() {
    HttpRouter<String> router =
        HttpRouter.compile(
            List.of(
                rule(List.of(), Match.path(PathType.REGEX, "/api/v[0-9]+/.*"), "regex"),
                rule(List.of(), prefix("/"), "root"),
                rule(List.of(), prefix("/api"), "api"),
                rule(List.of(), prefix("/api/v2/"), "v2"),
                rule(List.of(), Match.path(PathType.EXACT, "/api/v2/health"), "health")),
            SAME);
    assertThat(router.route(Request.get("h", "/api/v2/health"))).isEqualTo("health");
    assertThat(router.route(Request.get("h", "/api/v2/health/x"))).isEqualTo("v2");
    assertThat(router.route(Request.get("h", "/api/v2")))
        .as("a trailing slash aside")
        .isEqualTo("v2");
    assertThat(router.route(Request.get("h", "/api/v3/x")))
        .as("a prefix before a regex")
        .isEqualTo("api");
    assertThat(router.route(Request.get("h", "/apix"))).as("whole segments").isEqualTo("root");
    assertThat(router.route(Request.get("h", "/api?x=1"))).isEqualTo("api");
  }

  @Test
  void aRegexIsTriedAfterPrefixesThatMatch() {
    HttpRouter<String> router =
        HttpRouter.compile(
            List.of(
                rule(List.of(), Match.path(PathType.REGEX, "/img/.*\\.png"), "png"),
                rule(List.of(), prefix("/img"), "img")),
            SAME);
    assertThat(router.route(Request.get("h", "/img/a.png"))).isEqualTo("img");
    HttpRouter<String> regexOnly =
        HttpRouter.compile(
            List.of(rule(List.of(), Match.path(PathType.REGEX, "/img/.*\\.png"), "png")), SAME);
    assertThat(regexOnly.route(Request.get("h", "/img/a.png"))).isEqualTo("png");
    assertThat(regexOnly.route(Request.get("h", "/img/a.png.txt"))).as("the whole path").isNull();
  }

  @Test
  void methodThenMoreHeadersThenMoreQueryParametersThenRuleOrder() {
    Match post = new Match(PathType.PREFIX, "/", "POST", null, null);
    Match canary =
        new Match(
            PathType.PREFIX,
            "/",
            null,
            List.of(
                new ValueMatch("X-Canary", ValueType.EXACT, "yes"),
                new ValueMatch("x-user", ValueType.REGEX, "[0-9]+")),
            null);
    Match oneHeader =
        new Match(
            PathType.PREFIX, "/", null, List.of(new ValueMatch("x-canary", null, "yes")), null);
    Match query =
        new Match(PathType.PREFIX, "/", null, null, List.of(new ValueMatch("debug", null, "1")));
    HttpRouter<String> router =
        HttpRouter.compile(
            List.of(
                rule(List.of(), prefix("/"), "first"),
                rule(List.of(), prefix("/"), "second"),
                rule(List.of(), query, "query"),
                rule(List.of(), oneHeader, "one-header"),
                rule(List.of(), canary, "two-headers"),
                rule(List.of(), post, "post")),
            SAME);
    Request get = Request.get("h", "/x");
    assertThat(router.route(get)).as("equal matches: the first rule").isEqualTo("first");
    assertThat(router.route(get.with("POST", Map.of("x-canary", "yes")))).isEqualTo("post");
    assertThat(router.route(get.with("GET", Map.of("x-canary", "yes", "x-user", "42"))))
        .isEqualTo("two-headers");
    assertThat(router.route(get.with("GET", Map.of("x-canary", "yes", "x-user", "bob"))))
        .isEqualTo("one-header");
    assertThat(router.route(Request.get("h", "/x?a=b&debug=1"))).isEqualTo("query");
    assertThat(router.route(Request.get("h", "/x?debug=10"))).isEqualTo("first");
    assertThat(router.route(Request.get("h", "/x?debug"))).as("no value: empty").isEqualTo("first");
  }

  @Test
  void sourceRangesTakeOnlyTheirClients() throws Exception {
    HttpRouter<String> router =
        HttpRouter.compile(
            List.of(
                rule(
                    List.of(),
                    new Match(PathType.PREFIX, "/admin", null, null, null, List.of("10.0.0.0/8")),
                    "office"),
                rule(List.of(), prefix("/admin"), "everyone")),
            SAME);
    Request loopback = Request.get("h", "/admin");
    assertThat(router.route(loopback)).isEqualTo("everyone");
    Request office =
        new Request(
            "h", "/admin", "GET", Map.of(), null, java.net.InetAddress.getByName("10.1.2.3"));
    assertThat(router.route(office)).isEqualTo("office");
    Request unknown = new Request("h", "/admin", "GET", Map.of(), null, null);
    assertThat(router.route(unknown)).as("no address: no range holds it").isEqualTo("everyone");
  }

  @Test
  void weightsSplitARulesRequestsExactlyAndSmoothly() {
    HttpRouter<String> router =
        HttpRouter.compile(
            List.of(
                new HttpRule(
                    List.of(),
                    List.of(),
                    List.of(
                        new WeightedGroup("stable", 90),
                        new WeightedGroup("canary", 10),
                        new WeightedGroup("off", 0)))),
            SAME);
    int canary = 0;
    for (int i = 0; i < 20_000; i++) {
      String to = router.route(Request.get("h", "/"));
      assertThat(to).isIn("stable", "canary");
      canary += to.equals("canary") ? 1 : 0;
    }
    assertThat(canary).as("to the canary, of 20,000").isEqualTo(2_000);
    // Smooth: never more than nine in a row to the stable group.
    String run = "";
    for (int i = 0; i < 100; i++) {
      run += router.route(Request.get("h", "/")).equals("canary") ? "c" : "s";
    }
    assertThat(run).doesNotContain("s".repeat(10));
  }

  @Test
  void routingAllocatesNothing() {
    HttpRouter<String> router =
        HttpRouter.compile(
            List.of(
                rule(List.of("shop.example.com"), prefix("/cart"), "shop"),
                rule(List.of("*.example.com"), Match.path(PathType.REGEX, "/v[0-9]/.*"), "regex"),
                new HttpRule(
                    List.of("*.example.com"),
                    List.of(
                        new Match(
                            PathType.PREFIX,
                            "/",
                            "GET",
                            List.of(new ValueMatch("x-canary", null, "yes")),
                            List.of(new ValueMatch("debug", null, "1")))),
                    List.of(new WeightedGroup("a", 1), new WeightedGroup("b", 1)))),
            SAME);
    Request[] requests = {
      Request.get("Shop.Example.com", "/cart/1"),
      Request.get("api.example.com", "/v1/x"),
      Request.get("api.example.com", "/x?debug=1").with("GET", Map.of("x-canary", "yes")),
      Request.get("other.org", "/")
    };
    for (int i = 0; i < 20_000; i++) {
      router.route(requests[i & 3]); // compiled and warm
    }
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      router.route(requests[i & 3]);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated).as("bytes allocated by 100,000 routings").isLessThan(1024);
  }
}
