package dev.elbow.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.snapshot.HttpRule.Match;
import dev.elbow.snapshot.HttpRule.PathType;
import dev.elbow.snapshot.HttpRule.ValueMatch;
import dev.elbow.snapshot.HttpRule.ValueType;
import dev.elbow.snapshot.HttpRule.WeightedGroup;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Forwarding rules are refused with the field named and the fix, never half taken. */
class HttpRuleTest {

  private static final Set<String> GROUPS = Set.of("ns/web", "ns/api");

  @Test
  void aValidRuleHasNoProblems() {
    HttpRule rule =
        new HttpRule(
            List.of("shop.example.com", "*.example.com"),
            List.of(
                Match.path(PathType.PREFIX, "/api"),
                new Match(
                    PathType.REGEX,
                    "/v[0-9]+/.*",
                    "GET",
                    List.of(new ValueMatch("x-canary", ValueType.EXACT, "yes")),
                    List.of(new ValueMatch("debug", ValueType.REGEX, "1|true")))),
            List.of(new WeightedGroup("ns/web", 90), new WeightedGroup("ns/api", 10)));
    assertThat(HttpRule.problems(List.of(rule), "listeners[0].rules", GROUPS)).isEmpty();
  }

  @Test
  void eachProblemNamesItsField() {
    HttpRule bad =
        new HttpRule(
            List.of("*.*.example.com", "10.0.0.1", "shop_example.com"),
            List.of(
                Match.path(PathType.PREFIX, "api"),
                Match.path(PathType.REGEX, "/v[0-9"),
                new Match(
                    PathType.EXACT,
                    "/",
                    "get",
                    List.of(new ValueMatch("", null, "x")),
                    List.of(new ValueMatch("q", null, null)))),
            List.of(new WeightedGroup("ns/missing", 1), new WeightedGroup("ns/web", -1)));
    assertThat(HttpRule.problems(List.of(bad), "listeners[0].rules", GROUPS))
        .containsExactly(
            "listeners[0].rules[0].hostnames[0]: \"*.*.example.com\": a wildcard may only be the"
                + " whole first label, as in *.example.com",
            "listeners[0].rules[0].hostnames[1]: \"10.0.0.1\" is an IP address; rules match host"
                + " names",
            "listeners[0].rules[0].hostnames[2]: \"shop_example.com\" is not a host name such as"
                + " shop.example.com",
            "listeners[0].rules[0].matches[0].path: must begin with \"/\", was \"api\"",
            "listeners[0].rules[0].matches[1].path: not a regular expression: Unclosed character"
                + " class",
            "listeners[0].rules[0].matches[2].method: must be an upper-case method such as GET,"
                + " was get",
            "listeners[0].rules[0].matches[2].headers[0].name: must not be empty",
            "listeners[0].rules[0].matches[2].queryParams[0].value: must be set",
            "listeners[0].rules[0].forwardTo[0].group: no group \"ns/missing\" in the snapshot",
            "listeners[0].rules[0].forwardTo[1].weight: must be 0-1000000, was -1");
    HttpRule noContentWithABody =
        new HttpRule(null, null, null, null, new HttpRule.FixedResponse(204, null, "x"));
    assertThat(HttpRule.problems(List.of(noContentWithABody), "listeners[0].rules", GROUPS))
        .containsExactly("listeners[0].rules[0].fixedResponse.body: a 204 has no body");
    HttpRule allZero = new HttpRule(null, null, List.of(new WeightedGroup("ns/web", 0)));
    assertThat(HttpRule.problems(List.of(allZero), "listeners[0].rules", GROUPS))
        .containsExactly(
            "listeners[0].rules[0].forwardTo: every weight is 0; give one group a weight above 0");
    assertThat(
            HttpRule.problems(
                List.of(new HttpRule(null, null, null)), "listeners[1].rules", GROUPS))
        .containsExactly(
            "listeners[1].rules[0]: give exactly one of forwardTo, redirect and fixedResponse,"
                + " not 0");
    HttpRule badActions =
        new HttpRule(
            null,
            null,
            null,
            new HttpRule.Redirect("ftp", "*.example.com", 0, "/a b", 200),
            new HttpRule.FixedResponse(600, "text/plain\r\nX: y", "x".repeat(4097)));
    assertThat(HttpRule.problems(List.of(badActions), "listeners[2].rules", GROUPS))
        .containsExactly(
            "listeners[2].rules[0]: give exactly one of forwardTo, redirect and fixedResponse,"
                + " not 2",
            "listeners[2].rules[0].redirect.scheme: must be http or https, was ftp",
            "listeners[2].rules[0].redirect.hostname: must not be a wildcard",
            "listeners[2].rules[0].redirect.port: must be 1-65535, was 0",
            "listeners[2].rules[0].redirect.path: must begin with \"/\" and hold no space, ? or #",
            "listeners[2].rules[0].redirect.statusCode: must be 301, 302, 303, 307 or 308, was 200",
            "listeners[2].rules[0].fixedResponse.statusCode: must be 200-599, was 600",
            "listeners[2].rules[0].fixedResponse.body: at most 4096 characters",
            "listeners[2].rules[0].fixedResponse.contentType: must be one line");
  }

  @Test
  void headerChangesAreForForwardingRulesAndLeaveFramingAlone() {
    HttpRule.HeaderModifier bad =
        new HttpRule.HeaderModifier(
            List.of(new HttpRule.Header("Content-Length", "0")),
            List.of(new HttpRule.Header("X-Ok", "a\r\nX-Injected: 1")),
            List.of("bad name", "Transfer-Encoding", "Host"));
    HttpRule forwarding =
        new HttpRule(null, null, List.of(new WeightedGroup("ns/web", 1)), null, null, bad, null);
    assertThat(HttpRule.problems(List.of(forwarding), "listeners[0].rules", GROUPS))
        .containsExactly(
            "listeners[0].rules[0].requestHeaders.set[0].name: Content-Length is the proxy's or"
                + " frames the message; a rule cannot change it",
            "listeners[0].rules[0].requestHeaders.add[0].value: must be set, on one line",
            "listeners[0].rules[0].requestHeaders.remove[0]: \"bad name\" is not a header name",
            "listeners[0].rules[0].requestHeaders.remove[1]: Transfer-Encoding is the proxy's or"
                + " frames the message; a rule cannot change it",
            "listeners[0].rules[0].requestHeaders.remove[2]: Host is the proxy's or frames the"
                + " message; a rule cannot change it");
    HttpRule redirecting =
        new HttpRule(
            null,
            null,
            null,
            new HttpRule.Redirect(null, "x.example.com", null, null, 302),
            null,
            null,
            new HttpRule.HeaderModifier(List.of(new HttpRule.Header("X-A", "b")), null, null));
    assertThat(HttpRule.problems(List.of(redirecting), "listeners[0].rules", GROUPS))
        .containsExactly(
            "listeners[0].rules[0]: header changes need forwardTo; a redirect or fixed response"
                + " has none");
  }

  @Test
  void precedenceIsGatewayApis() {
    Match exact = Match.path(PathType.EXACT, "/a/b");
    Match longPrefix = Match.path(PathType.PREFIX, "/a/b");
    Match shortPrefix = Match.path(PathType.PREFIX, "/a");
    Match regex = Match.path(PathType.REGEX, "/a/.*/c/d/e");
    Match withMethod = new Match(PathType.PREFIX, "/a", "GET", null, null);
    Match withHeader =
        new Match(PathType.PREFIX, "/a", null, List.of(new ValueMatch("h", null, "v")), null);
    List<Match> sorted =
        new java.util.ArrayList<>(
            List.of(regex, shortPrefix, withHeader, withMethod, longPrefix, exact));
    sorted.sort(HttpRule::precedes);
    assertThat(sorted)
        .containsExactly(exact, longPrefix, withMethod, withHeader, shortPrefix, regex);
  }
}
