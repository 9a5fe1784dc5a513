package dev.elbow.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One forwarding rule of an HTTP or HTTPS listener: which requests it takes (by host name, and by
 * path, method, headers and query parameters) and the groups it forwards them to, by weight. The
 * model is Gateway API's HTTPRoute rule, which ELB's forwarding policies and ALB's listener rules
 * map onto; the precedence among rules is Gateway API's ({@link #precedes}).
 *
 * @param hostnames exact names ({@code shop.example.com}) or one leading wildcard label ({@code
 *     *.example.com}, which matches {@code a.example.com} and {@code a.b.example.com} but not
 *     {@code example.com}); empty: any host
 * @param matches the rule takes a request that any of these match; empty: every request
 * @param forwardTo the groups it goes to, by weight; a weight of 0 takes nothing
 * @param redirect instead of forwarding: the redirect every request it takes gets
 * @param fixedResponse instead of forwarding: the answer every request it takes gets
 * @param requestHeaders forwarding only: how the request's headers change on their way to the
 *     member, or null
 * @param responseHeaders forwarding only: how the member's response headers change on their way to
 *     the client, or null
 */
public record HttpRule(
    List<String> hostnames,
    List<Match> matches,
    List<WeightedGroup> forwardTo,
    Redirect redirect,
    FixedResponse fixedResponse,
    HeaderModifier requestHeaders,
    HeaderModifier responseHeaders) {

  public HttpRule {
    hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
    matches = matches == null ? List.of() : List.copyOf(matches);
    forwardTo = forwardTo == null ? List.of() : List.copyOf(forwardTo);
  }

  /** A rule that forwards. */
  public HttpRule(List<String> hostnames, List<Match> matches, List<WeightedGroup> forwardTo) {
    this(hostnames, matches, forwardTo, null, null, null, null);
  }

  /** A rule that forwards, redirects or answers, leaving headers as they are. */
  public HttpRule(
      List<String> hostnames,
      List<Match> matches,
      List<WeightedGroup> forwardTo,
      Redirect redirect,
      FixedResponse fixedResponse) {
    this(hostnames, matches, forwardTo, redirect, fixedResponse, null, null);
  }

  /**
   * Header changes, as Gateway API's RequestHeaderModifier and ResponseHeaderModifier: {@code
   * remove} and {@code set} drop every header of those names, then {@code set} and {@code add}
   * append theirs.
   */
  public record HeaderModifier(List<Header> set, List<Header> add, List<String> remove) {
    public HeaderModifier {
      set = set == null ? List.of() : List.copyOf(set);
      add = add == null ? List.of() : List.copyOf(add);
      remove = remove == null ? List.of() : List.copyOf(remove);
    }
  }

  /** A header line. */
  public record Header(String name, String value) {}

  /**
   * A redirect, as Gateway API's RequestRedirect filter: what is left out keeps the request's.
   *
   * @param scheme http or https, or null for the request's
   * @param hostname the host to send the client to, or null for the request's
   * @param port the port, or null: the scheme's well-known one when {@code scheme} is given, else
   *     the listener's
   * @param path the whole new path, or null for the request's (the query is always kept)
   * @param statusCode 301, 302, 303, 307 or 308
   */
  public record Redirect(
      String scheme, String hostname, Integer port, String path, int statusCode) {}

  /**
   * An answer the load balancer gives itself, as ALB's fixed-response action.
   *
   * @param statusCode 200-599
   * @param contentType the Content-Type, or null for text/plain
   * @param body at most 4096 characters, sent as UTF-8
   */
  public record FixedResponse(int statusCode, String contentType, String body) {}

  /** How a path is compared. */
  public enum PathType {
    /** The whole path, byte for byte. */
    EXACT,
    /** Whole segments: {@code /api} takes {@code /api} and {@code /api/x}, not {@code /apix}. */
    PREFIX,
    /** A Java regular expression that must match the whole path. */
    REGEX
  }

  /** How a header or query parameter value is compared. */
  public enum ValueType {
    EXACT,
    REGEX
  }

  /**
   * What a request must have, all of it, for a match.
   *
   * @param pathType how {@code path} is compared; with {@code path} null, PREFIX "/"
   * @param path the path (without the query string)
   * @param method the method, exactly, or null for any
   * @param headers headers the request must carry with these values (names case-insensitive)
   * @param queryParams query parameters the request must carry with these values (names exact)
   * @param sourceRanges the client's address must be in one of these (CIDR; the address a trusted
   *     upstream's PROXY header gives, where there is one); empty: any client
   */
  public record Match(
      PathType pathType,
      String path,
      String method,
      List<ValueMatch> headers,
      List<ValueMatch> queryParams,
      List<String> sourceRanges) {

    public Match {
      pathType = pathType == null ? PathType.PREFIX : pathType;
      path = path == null ? "/" : path;
      headers = headers == null ? List.of() : List.copyOf(headers);
      queryParams = queryParams == null ? List.of() : List.copyOf(queryParams);
      sourceRanges = sourceRanges == null ? List.of() : List.copyOf(sourceRanges);
    }

    /** A match of any client. */
    public Match(
        PathType pathType,
        String path,
        String method,
        List<ValueMatch> headers,
        List<ValueMatch> queryParams) {
      this(pathType, path, method, headers, queryParams, null);
    }

    /** A match of the path alone. */
    public static Match path(PathType type, String path) {
      return new Match(type, path, null, null, null);
    }
  }

  /** A header or query parameter and the value it must have. */
  public record ValueMatch(String name, ValueType type, String value) {
    public ValueMatch {
      type = type == null ? ValueType.EXACT : type;
    }
  }

  /** A group and its share of the rule's requests. */
  public record WeightedGroup(String group, int weight) {}

  /**
   * Whether match {@code a} is tried before match {@code b}, by Gateway API's order for matches of
   * one host: an exact path before a prefix, a longer prefix before a shorter one (regular
   * expressions, whose order Gateway API leaves to implementations, after prefixes, in rule order),
   * then a match with a method before one without, then more header matches, then more query
   * parameter matches. Equal matches keep their rules' order.
   */
  public static int precedes(Match a, Match b) {
    int byType = Integer.compare(rank(a.pathType()), rank(b.pathType()));
    if (byType != 0) {
      return byType;
    }
    if (a.pathType() != PathType.REGEX) {
      int byLength = Integer.compare(b.path().length(), a.path().length());
      if (byLength != 0) {
        return byLength;
      }
    }
    int byMethod = Boolean.compare(b.method() != null, a.method() != null);
    if (byMethod != 0) {
      return byMethod;
    }
    int byHeaders = Integer.compare(b.headers().size(), a.headers().size());
    if (byHeaders != 0) {
      return byHeaders;
    }
    return Integer.compare(b.queryParams().size(), a.queryParams().size());
  }

  private static int rank(PathType type) {
    return switch (type) {
      case EXACT -> 0;
      case PREFIX -> 1;
      case REGEX -> 2;
    };
  }

  /**
   * What is wrong with the rules of a listener, each naming the field and the fix.
   *
   * @param at where the rules are, e.g. {@code listeners[0].rules}
   * @param groups the names of the snapshot's groups
   */
  public static List<String> problems(List<HttpRule> rules, String at, Set<String> groups) {
    List<String> problems = new ArrayList<>();
    for (int r = 0; r < rules.size(); r++) {
      HttpRule rule = rules.get(r);
      String here = at + "[" + r + "]";
      for (int h = 0; h < rule.hostnames().size(); h++) {
        String why = hostnameProblem(rule.hostnames().get(h));
        if (why != null) {
          problems.add(here + ".hostnames[" + h + "]: " + why);
        }
      }
      for (int m = 0; m < rule.matches().size(); m++) {
        matchProblems(rule.matches().get(m), here + ".matches[" + m + "]", problems);
      }
      int actions =
          (rule.forwardTo().isEmpty() ? 0 : 1)
              + (rule.redirect() == null ? 0 : 1)
              + (rule.fixedResponse() == null ? 0 : 1);
      if (actions != 1) {
        problems.add(
            here + ": give exactly one of forwardTo, redirect and fixedResponse, not " + actions);
      }
      if (rule.redirect() != null) {
        redirectProblems(rule.redirect(), here + ".redirect", problems);
      }
      if (rule.forwardTo().isEmpty()
          && (rule.requestHeaders() != null || rule.responseHeaders() != null)) {
        problems.add(
            here + ": header changes need forwardTo; a redirect or fixed response has none");
      }
      headerProblems(rule.requestHeaders(), here + ".requestHeaders", problems);
      headerProblems(rule.responseHeaders(), here + ".responseHeaders", problems);
      if (rule.fixedResponse() != null) {
        FixedResponse fixed = rule.fixedResponse();
        if (fixed.statusCode() < 200 || fixed.statusCode() > 599) {
          problems.add(
              here + ".fixedResponse.statusCode: must be 200-599, was " + fixed.statusCode());
        }
        if ((fixed.statusCode() == 204 || fixed.statusCode() == 304)
            && fixed.body() != null
            && !fixed.body().isEmpty()) {
          problems.add(here + ".fixedResponse.body: a " + fixed.statusCode() + " has no body");
        }
        if (fixed.body() != null && fixed.body().length() > 4096) {
          problems.add(here + ".fixedResponse.body: at most 4096 characters");
        }
        if (fixed.contentType() != null
            && (fixed.contentType().indexOf('\r') >= 0 || fixed.contentType().indexOf('\n') >= 0)) {
          problems.add(here + ".fixedResponse.contentType: must be one line");
        }
      }
      int total = 0;
      for (int g = 0; g < rule.forwardTo().size(); g++) {
        WeightedGroup target = rule.forwardTo().get(g);
        String field = here + ".forwardTo[" + g + "]";
        if (!groups.contains(target.group())) {
          problems.add(field + ".group: no group \"" + target.group() + "\" in the snapshot");
        }
        if (target.weight() < 0 || target.weight() > 1_000_000) {
          problems.add(field + ".weight: must be 0-1000000, was " + target.weight());
        }
        total += Math.max(0, target.weight());
      }
      if (!rule.forwardTo().isEmpty() && total == 0) {
        problems.add(here + ".forwardTo: every weight is 0; give one group a weight above 0");
      }
    }
    return problems;
  }

  /**
   * Headers a rule may not change: the message's framing, the connection's own, Host (members and
   * routing read it; the two HTTP versions carry it differently) and the X-Forwarded-* headers the
   * proxy writes itself.
   */
  private static final Set<String> UNCHANGEABLE =
      Set.of(
          "host",
          "x-forwarded-for",
          "x-forwarded-proto",
          "x-forwarded-port",
          "content-length",
          "transfer-encoding",
          "connection",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "upgrade");

  private static void headerProblems(HeaderModifier modifier, String at, List<String> problems) {
    if (modifier == null) {
      return;
    }
    for (int i = 0; i < modifier.set().size(); i++) {
      headerLineProblems(modifier.set().get(i), at + ".set[" + i + "]", problems);
    }
    for (int i = 0; i < modifier.add().size(); i++) {
      headerLineProblems(modifier.add().get(i), at + ".add[" + i + "]", problems);
    }
    for (int i = 0; i < modifier.remove().size(); i++) {
      nameProblem(modifier.remove().get(i), at + ".remove[" + i + "]", problems);
    }
  }

  private static void headerLineProblems(Header header, String at, List<String> problems) {
    nameProblem(header.name(), at + ".name", problems);
    if (header.value() == null
        || header.value().indexOf('\r') >= 0
        || header.value().indexOf('\n') >= 0
        || header.value().indexOf('\0') >= 0) {
      problems.add(at + ".value: must be set, on one line");
    }
  }

  private static void nameProblem(String name, String at, List<String> problems) {
    if (name == null || !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
      problems.add(at + ": \"" + name + "\" is not a header name");
    } else if (UNCHANGEABLE.contains(name.toLowerCase(Locale.ROOT))) {
      problems.add(
          at + ": " + name + " is the proxy's or frames the message; a rule cannot change it");
    }
  }

  private static void redirectProblems(Redirect redirect, String at, List<String> problems) {
    if (redirect.scheme() != null && !redirect.scheme().matches("https?")) {
      problems.add(at + ".scheme: must be http or https, was " + redirect.scheme());
    }
    if (redirect.hostname() != null) {
      String why = hostnameProblem(redirect.hostname());
      if (why != null || redirect.hostname().startsWith("*")) {
        problems.add(at + ".hostname: " + (why != null ? why : "must not be a wildcard"));
      }
    }
    if (redirect.port() != null && (redirect.port() < 1 || redirect.port() > 65535)) {
      problems.add(at + ".port: must be 1-65535, was " + redirect.port());
    }
    if (redirect.path() != null && !redirect.path().matches("/[^\\s?#]*")) {
      problems.add(at + ".path: must begin with \"/\" and hold no space, ? or #");
    }
    if (!List.of(301, 302, 303, 307, 308).contains(redirect.statusCode())) {
      problems.add(
          at + ".statusCode: must be 301, 302, 303, 307 or 308, was " + redirect.statusCode());
    }
  }

  private static void matchProblems(Match match, String at, List<String> problems) {
    if (match.pathType() == PathType.REGEX) {
      regexProblem(match.path(), at + ".path", problems);
    } else if (!match.path().startsWith("/")) {
      problems.add(at + ".path: must begin with \"/\", was \"" + match.path() + "\"");
    }
    if (match.method() != null && !match.method().matches("[A-Z]+")) {
      problems.add(at + ".method: must be an upper-case method such as GET, was " + match.method());
    }
    for (int i = 0; i < match.headers().size(); i++) {
      valueProblems(match.headers().get(i), at + ".headers[" + i + "]", problems);
    }
    for (int i = 0; i < match.queryParams().size(); i++) {
      valueProblems(match.queryParams().get(i), at + ".queryParams[" + i + "]", problems);
    }
    for (int i = 0; i < match.sourceRanges().size(); i++) {
      try {
        Cidr.parse(match.sourceRanges().get(i));
      } catch (IllegalArgumentException e) {
        problems.add(at + ".sourceRanges[" + i + "]: " + e.getMessage());
      }
    }
  }

  private static void valueProblems(ValueMatch value, String at, List<String> problems) {
    if (value.name() == null || value.name().isEmpty()) {
      problems.add(at + ".name: must not be empty");
    }
    if (value.value() == null) {
      problems.add(at + ".value: must be set");
    } else if (value.type() == ValueType.REGEX) {
      regexProblem(value.value(), at + ".value", problems);
    }
  }

  private static void regexProblem(String regex, String at, List<String> problems) {
    try {
      Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      problems.add(at + ": not a regular expression: " + e.getDescription());
    }
  }

  /** Why a host name pattern is refused, or null when it is a valid one. */
  static String hostnameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "must not be empty";
    }
    String host = name.startsWith("*.") ? name.substring(2) : name;
    if (host.isEmpty() || host.contains("*")) {
      return "\"" + name + "\": a wildcard may only be the whole first label, as in *.example.com";
    }
    if (!host.toLowerCase(Locale.ROOT)
            .matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
        || host.length() > 253) {
      return "\"" + name + "\" is not a host name such as shop.example.com";
    }
    if (IpLiterals.isIpLiteral(host)) {
      return "\"" + name + "\" is an IP address; rules match host names";
    }
    return null;
  }
}
