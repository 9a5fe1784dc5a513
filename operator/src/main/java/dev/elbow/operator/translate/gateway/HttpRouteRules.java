package dev.elbow.operator.translate.gateway;

import dev.elbow.snapshot.HttpRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestRedirectFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An HTTPRoute's rules as snapshot {@link HttpRule}s, still without host names (those depend on the
 * listener each attaches to). Matches, header modifiers and redirects map one to one; a filter or
 * field Elbow does not implement yet makes the route not Accepted ({@code UnsupportedValue}, naming
 * the field) rather than serve something other than what it says. A rule whose backends are all
 * unresolved, or all of weight 0, answers 500, as Gateway API requires.
 */
final class HttpRouteRules {

  /**
   * @param rules the rules, in the route's order
   * @param unsupported the first field Elbow cannot serve as written; null when there is none
   * @param unresolved the first backendRef that does not resolve; null when all do
   */
  record Converted(
      List<HttpRule> rules, GatewayCondition unsupported, GatewayCondition unresolved) {}

  private static final HttpRule.FixedResponse SERVER_ERROR =
      new HttpRule.FixedResponse(500, null, "no backend of this route rule can be used\n");

  private HttpRouteRules() {}

  static Converted convert(HTTPRoute route, RouteBackends backends) {
    String namespace = route.getMetadata().getNamespace();
    List<HTTPRouteRule> rules =
        route.getSpec() == null || route.getSpec().getRules() == null
            ? List.of(new HTTPRouteRule())
            : route.getSpec().getRules();
    List<HttpRule> converted = new ArrayList<>();
    GatewayCondition unsupported = null;
    GatewayCondition unresolved = null;
    for (int r = 0; r < rules.size(); r++) {
      HTTPRouteRule rule = rules.get(r);
      String at = "spec.rules[" + r + "]";
      String notYet = unsupportedField(rule, at);
      if (notYet != null) {
        unsupported = unsupported != null ? unsupported : unsupported(notYet);
        continue;
      }
      List<HttpRule.Match> matches = matches(rule.getMatches());
      HttpRule.HeaderModifier requestHeaders = null;
      HttpRule.HeaderModifier responseHeaders = null;
      HttpRule.Redirect redirect = null;
      List<HTTPRouteFilter> filters = Objects.requireNonNullElse(rule.getFilters(), List.of());
      for (HTTPRouteFilter filter : filters) {
        if (filter.getRequestHeaderModifier() != null) {
          requestHeaders = headers(filter.getRequestHeaderModifier());
        } else if (filter.getResponseHeaderModifier() != null) {
          responseHeaders = headers(filter.getResponseHeaderModifier());
        } else if (filter.getRequestRedirect() != null) {
          redirect = redirect(filter.getRequestRedirect());
        }
      }
      if (redirect != null) {
        converted.add(new HttpRule(List.of(), matches, null, redirect, null));
        continue;
      }
      List<HTTPBackendRef> refs = Objects.requireNonNullElse(rule.getBackendRefs(), List.of());
      RouteBackends.Resolved targets = backends.resolve(namespace, refs, at + ".backendRefs");
      if (targets.problem() != null && unresolved == null) {
        unresolved = targets.problem();
      }
      int total = targets.groups().stream().mapToInt(HttpRule.WeightedGroup::weight).sum();
      if (total == 0) {
        // No backend (or only invalid ones, or only weight 0): Gateway API answers 500.
        converted.add(new HttpRule(List.of(), matches, null, null, SERVER_ERROR));
      } else {
        converted.add(
            new HttpRule(
                List.of(), matches, targets.groups(), null, null, requestHeaders, responseHeaders));
      }
    }
    return new Converted(converted, unsupported, unresolved);
  }

  /** The first field of the rule Elbow does not implement yet, with what to do; or null. */
  private static String unsupportedField(HTTPRouteRule rule, String at) {
    if (rule.getSessionPersistence() != null) {
      return at
          + ".sessionPersistence: not implemented for routes yet; forward to an elbow.dev"
          + " BackendServerGroup with stickySession instead";
    }
    if (rule.getRetry() != null) {
      return at + ".retry: not implemented yet; remove it";
    }
    if (rule.getTimeouts() != null) {
      return at + ".timeouts: not implemented yet; remove it";
    }
    List<HTTPRouteFilter> filters = Objects.requireNonNullElse(rule.getFilters(), List.of());
    for (int f = 0; f < filters.size(); f++) {
      HTTPRouteFilter filter = filters.get(f);
      boolean known =
          filter.getRequestHeaderModifier() != null
              || filter.getResponseHeaderModifier() != null
              || filter.getRequestRedirect() != null;
      if (!known) {
        return at + ".filters[" + f + "]: type " + filter.getType() + " is not implemented yet";
      }
      HTTPRequestRedirectFilter redirect = filter.getRequestRedirect();
      if (redirect != null
          && redirect.getPath() != null
          && redirect.getPath().getReplaceFullPath() == null) {
        return at
            + ".filters["
            + f
            + "].requestRedirect.path: only ReplaceFullPath is implemented yet";
      }
    }
    List<HTTPBackendRef> refs = Objects.requireNonNullElse(rule.getBackendRefs(), List.of());
    for (int b = 0; b < refs.size(); b++) {
      if (refs.get(b).getFilters() != null && !refs.get(b).getFilters().isEmpty()) {
        return at + ".backendRefs[" + b + "].filters: not implemented yet; use the rule's filters";
      }
    }
    return null;
  }

  private static GatewayCondition unsupported(String message) {
    return GatewayCondition.no(GatewayApi.ACCEPTED, "UnsupportedValue", message);
  }

  private static List<HttpRule.Match> matches(List<HTTPRouteMatch> matches) {
    if (matches == null || matches.isEmpty()) {
      return List.of(HttpRule.Match.path(HttpRule.PathType.PREFIX, "/"));
    }
    return matches.stream().map(HttpRouteRules::match).toList();
  }

  private static HttpRule.Match match(HTTPRouteMatch match) {
    HTTPPathMatch path = match.getPath();
    String pathType =
        path == null ? "PathPrefix" : Objects.requireNonNullElse(path.getType(), "PathPrefix");
    String value = path == null ? "/" : Objects.requireNonNullElse(path.getValue(), "/");
    return new HttpRule.Match(
        switch (pathType) {
          case "Exact" -> HttpRule.PathType.EXACT;
          case "RegularExpression" -> HttpRule.PathType.REGEX;
          default -> HttpRule.PathType.PREFIX;
        },
        value,
        match.getMethod(),
        headerMatches(match.getHeaders()),
        queryMatches(match.getQueryParams()));
  }

  private static List<HttpRule.ValueMatch> headerMatches(List<HTTPHeaderMatch> headers) {
    return headers == null
        ? null
        : headers.stream()
            .map(h -> new HttpRule.ValueMatch(h.getName(), valueType(h.getType()), h.getValue()))
            .toList();
  }

  private static List<HttpRule.ValueMatch> queryMatches(List<HTTPQueryParamMatch> params) {
    return params == null
        ? null
        : params.stream()
            .map(q -> new HttpRule.ValueMatch(q.getName(), valueType(q.getType()), q.getValue()))
            .toList();
  }

  private static HttpRule.ValueType valueType(String type) {
    return "RegularExpression".equals(type) ? HttpRule.ValueType.REGEX : HttpRule.ValueType.EXACT;
  }

  private static HttpRule.HeaderModifier headers(HTTPHeaderFilter filter) {
    return new HttpRule.HeaderModifier(
        lines(filter.getSet()), lines(filter.getAdd()), filter.getRemove());
  }

  private static List<HttpRule.Header> lines(List<HTTPHeader> headers) {
    return headers == null
        ? null
        : headers.stream().map(h -> new HttpRule.Header(h.getName(), h.getValue())).toList();
  }

  private static HttpRule.Redirect redirect(HTTPRequestRedirectFilter filter) {
    return new HttpRule.Redirect(
        filter.getScheme(),
        filter.getHostname(),
        filter.getPort(),
        filter.getPath() == null ? null : filter.getPath().getReplaceFullPath(),
        Objects.requireNonNullElse(filter.getStatusCode(), 302));
  }
}
