package dev.elbow.dataplane.routing;

import dev.elbow.snapshot.HttpRule;
import java.nio.charset.StandardCharsets;

/**
 * An answer a forwarding rule gives without a group: a redirect or a fixed response. Built once per
 * snapshot; only a redirect's Location is worked out per request, from the request.
 *
 * @param status the status code
 * @param contentType a fixed response's Content-Type; null for redirects
 * @param body a fixed response's body (UTF-8); empty for redirects
 * @param redirect the redirect, or null for a fixed response
 */
public record DirectAnswer(
    int status, String contentType, byte[] body, HttpRule.Redirect redirect) {

  /** What an HTTP listener without a group answers a request no rule takes (Gateway API's 404). */
  public static final DirectAnswer NOT_FOUND =
      new DirectAnswer(
          404,
          "text/plain; charset=utf-8",
          "no route of this listener takes the request\n".getBytes(StandardCharsets.UTF_8),
          null);

  /** The answer of a rule that redirects or answers, or null for one that forwards. */
  public static DirectAnswer of(HttpRule rule) {
    if (rule.redirect() != null) {
      return new DirectAnswer(rule.redirect().statusCode(), null, new byte[0], rule.redirect());
    }
    HttpRule.FixedResponse fixed = rule.fixedResponse();
    if (fixed == null) {
      return null;
    }
    return new DirectAnswer(
        fixed.statusCode(),
        fixed.contentType() == null ? "text/plain; charset=utf-8" : fixed.contentType(),
        fixed.body() == null ? new byte[0] : fixed.body().getBytes(StandardCharsets.UTF_8),
        null);
  }

  /**
   * A redirect's Location for this request, as Gateway API's RequestRedirect says: what the rule
   * leaves out keeps the request's; the port is the rule's, else the new scheme's well-known one
   * when the rule changes the scheme, else the listener's (left out when it is the scheme's
   * well-known one). The query is kept. Null for a fixed response.
   *
   * @param secure the request came over TLS
   * @param listenerPort the port the request came to
   * @param fallbackHost the host when the request names none (an HTTP/1.0 request without Host):
   *     the listener's address, so a scheme change does not redirect to itself; or null
   */
  public String location(
      HttpRequestView request, boolean secure, int listenerPort, CharSequence fallbackHost) {
    if (redirect == null) {
      return null;
    }
    String scheme = redirect.scheme() != null ? redirect.scheme() : secure ? "https" : "http";
    CharSequence host =
        redirect.hostname() != null
            ? redirect.hostname()
            : request.host() != null ? request.host() : fallbackHost;
    StringBuilder location = new StringBuilder(64);
    if (host != null) {
      int port =
          redirect.port() != null
              ? redirect.port()
              : redirect.scheme() != null ? wellKnown(scheme) : listenerPort;
      location.append(scheme).append("://").append(host);
      if (port != wellKnown(scheme)) {
        location.append(':').append(port);
      }
    }
    location.append(redirect.path() != null ? redirect.path() : request.path());
    if (request.query() != null) {
      location.append('?').append(request.query());
    }
    return location.toString();
  }

  /** Statuses whose responses carry no body and no Content-Length (RFC 9110 6.4.1, 8.6). */
  public static boolean bodiless(int status) {
    return status == 204 || status == 304;
  }

  private static int wellKnown(String scheme) {
    return scheme.equals("https") ? 443 : 80;
  }
}
