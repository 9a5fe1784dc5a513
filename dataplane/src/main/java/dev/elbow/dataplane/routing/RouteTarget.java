package dev.elbow.dataplane.routing;

import io.micrometer.core.instrument.Timer;

/**
 * Where an HTTP request goes: a group, and the request duration histogram of the listener and that
 * group; or an answer the load balancer gives itself.
 *
 * @param group null when {@code answer} is given
 * @param requestDuration null for listeners that do not speak HTTP
 * @param answer a forwarding rule's redirect or fixed response, or null to forward to {@code group}
 * @param requestHeaders the rule's changes to the request's headers, or null
 * @param responseHeaders the rule's changes to the response's headers, or null
 */
public record RouteTarget(
    GroupRuntime group,
    Timer requestDuration,
    DirectAnswer answer,
    HeaderRewrite requestHeaders,
    HeaderRewrite responseHeaders) {

  public RouteTarget(GroupRuntime group, Timer requestDuration) {
    this(group, requestDuration, null, null, null);
  }
}
