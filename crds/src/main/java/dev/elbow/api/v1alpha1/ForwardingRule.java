package dev.elbow.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * One forwarding rule of an HTTP or HTTPS listener, in the shape of a Gateway API HTTPRoute rule:
 * which requests it takes and the groups it sends them to.
 */
@ValidationRule(
    value =
        "(has(self.forwardTo) ? 1 : 0) + (has(self.redirect) ? 1 : 0)"
            + " + (has(self.fixedResponse) ? 1 : 0) == 1",
    message = "give exactly one of forwardTo, redirect and fixedResponse",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "has(self.forwardTo) || !(has(self.requestHeaders) || has(self.responseHeaders))",
    message = "header changes need forwardTo; a redirect or fixed response has none",
    reason = "FieldValueInvalid")
public class ForwardingRule {

  @Size(max = 16)
  @JsonPropertyDescription(
      "Host names the rule is for: exact (shop.example.com) or with a wildcard first label"
          + " (*.example.com, which does not take example.com itself), at most 16. A request's"
          + " host picks one set of rules: those naming it exactly, else those of the longest"
          + " wildcard covering it, else those naming no host. Left out: any host.")
  private List<String> hostnames;

  @Size(max = 8)
  @JsonPropertyDescription(
      "The rule takes a request that any of these match, at most 8; left out: every request of"
          + " its hosts. Among the rules of a host, an exact path goes first, then longer prefixes,"
          + " then regular expressions; then a match with a method, more headers, more query"
          + " parameters; then the order of the rules.")
  private List<RuleMatch> matches;

  @Size(min = 1, max = 16)
  @JsonPropertyDescription(
      "The groups the requests go to, by weight, at most 16. One of forwardTo, redirect and"
          + " fixedResponse.")
  private List<RuleTarget> forwardTo;

  @JsonPropertyDescription("Instead of forwarding: a redirect (Gateway API's RequestRedirect).")
  private RuleRedirect redirect;

  @JsonPropertyDescription("Instead of forwarding: an answer the load balancer gives itself.")
  private RuleFixedResponse fixedResponse;

  @JsonPropertyDescription("How the request's headers change on their way to the member.")
  private HeaderModifier requestHeaders;

  @JsonPropertyDescription("How the member's response headers change on their way to the client.")
  private HeaderModifier responseHeaders;

  public HeaderModifier getRequestHeaders() {
    return requestHeaders;
  }

  public void setRequestHeaders(HeaderModifier requestHeaders) {
    this.requestHeaders = requestHeaders;
  }

  public HeaderModifier getResponseHeaders() {
    return responseHeaders;
  }

  public void setResponseHeaders(HeaderModifier responseHeaders) {
    this.responseHeaders = responseHeaders;
  }

  public RuleRedirect getRedirect() {
    return redirect;
  }

  public void setRedirect(RuleRedirect redirect) {
    this.redirect = redirect;
  }

  public RuleFixedResponse getFixedResponse() {
    return fixedResponse;
  }

  public void setFixedResponse(RuleFixedResponse fixedResponse) {
    this.fixedResponse = fixedResponse;
  }

  public ForwardingRule() {}

  public ForwardingRule(
      List<String> hostnames, List<RuleMatch> matches, List<RuleTarget> forwardTo) {
    this.hostnames = hostnames;
    this.matches = matches;
    this.forwardTo = forwardTo;
  }

  public List<String> getHostnames() {
    return hostnames;
  }

  public void setHostnames(List<String> hostnames) {
    this.hostnames = hostnames;
  }

  public List<RuleMatch> getMatches() {
    return matches;
  }

  public void setMatches(List<RuleMatch> matches) {
    this.matches = matches;
  }

  public List<RuleTarget> getForwardTo() {
    return forwardTo;
  }

  public void setForwardTo(List<RuleTarget> forwardTo) {
    this.forwardTo = forwardTo;
  }
}
