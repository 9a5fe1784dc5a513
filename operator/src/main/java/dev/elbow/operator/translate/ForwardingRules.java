package dev.elbow.operator.translate;

import dev.elbow.api.v1alpha1.ForwardingRule;
import dev.elbow.api.v1alpha1.HeaderModifier;
import dev.elbow.api.v1alpha1.HeaderValue;
import dev.elbow.api.v1alpha1.PathMatch;
import dev.elbow.api.v1alpha1.PathMatchType;
import dev.elbow.api.v1alpha1.RuleFixedResponse;
import dev.elbow.api.v1alpha1.RuleMatch;
import dev.elbow.api.v1alpha1.RuleRedirect;
import dev.elbow.api.v1alpha1.RuleTarget;
import dev.elbow.api.v1alpha1.ValueMatch;
import dev.elbow.api.v1alpha1.ValueMatchType;
import dev.elbow.snapshot.HttpRule;
import java.util.List;
import java.util.Objects;

/** A Listener's forwarding rules as the snapshot has them: group names made namespace/name. */
final class ForwardingRules {

  private ForwardingRules() {}

  static List<HttpRule> of(String namespace, List<ForwardingRule> rules) {
    if (rules == null) {
      return List.of();
    }
    return rules.stream()
        .map(
            rule ->
                new HttpRule(
                    rule.getHostnames(),
                    rule.getMatches() == null
                        ? null
                        : rule.getMatches().stream().map(ForwardingRules::match).toList(),
                    rule.getForwardTo() == null
                        ? null
                        : rule.getForwardTo().stream().map(t -> target(namespace, t)).toList(),
                    redirect(rule.getRedirect()),
                    fixedResponse(rule.getFixedResponse()),
                    headers(rule.getRequestHeaders()),
                    headers(rule.getResponseHeaders())))
        .toList();
  }

  private static HttpRule.HeaderModifier headers(HeaderModifier modifier) {
    return modifier == null
        ? null
        : new HttpRule.HeaderModifier(
            lines(modifier.getSet()), lines(modifier.getAdd()), modifier.getRemove());
  }

  private static List<HttpRule.Header> lines(List<HeaderValue> values) {
    return values == null
        ? null
        : values.stream().map(v -> new HttpRule.Header(v.getName(), v.getValue())).toList();
  }

  private static HttpRule.Redirect redirect(RuleRedirect redirect) {
    return redirect == null
        ? null
        : new HttpRule.Redirect(
            redirect.getScheme(),
            redirect.getHostname(),
            redirect.getPort(),
            redirect.getPath(),
            Objects.requireNonNullElse(redirect.getStatusCode(), 302));
  }

  private static HttpRule.FixedResponse fixedResponse(RuleFixedResponse fixed) {
    return fixed == null
        ? null
        : new HttpRule.FixedResponse(
            Objects.requireNonNullElse(fixed.getStatusCode(), 200),
            fixed.getContentType(),
            fixed.getBody());
  }

  private static HttpRule.Match match(RuleMatch match) {
    PathMatch path = match.getPath();
    return new HttpRule.Match(
        path == null ? null : pathType(path.getType()),
        path == null ? null : path.getValue(),
        match.getMethod(),
        values(match.getHeaders()),
        values(match.getQueryParams()),
        match.getSourceRanges());
  }

  private static HttpRule.PathType pathType(PathMatchType type) {
    return switch (Objects.requireNonNullElse(type, PathMatchType.PathPrefix)) {
      case Exact -> HttpRule.PathType.EXACT;
      case PathPrefix -> HttpRule.PathType.PREFIX;
      case RegularExpression -> HttpRule.PathType.REGEX;
    };
  }

  private static List<HttpRule.ValueMatch> values(List<ValueMatch> values) {
    return values == null
        ? null
        : values.stream()
            .map(
                v ->
                    new HttpRule.ValueMatch(
                        v.getName(),
                        v.getType() == ValueMatchType.RegularExpression
                            ? HttpRule.ValueType.REGEX
                            : HttpRule.ValueType.EXACT,
                        v.getValue()))
            .toList();
  }

  private static HttpRule.WeightedGroup target(String namespace, RuleTarget target) {
    return new HttpRule.WeightedGroup(
        new ResourceKey(namespace, target.getBackendGroup()).toString(),
        Objects.requireNonNullElse(target.getWeight(), 1));
  }
}
