package dev.elbow.dataplane.routing;

import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.tls.ServerCertificates;
import dev.elbow.snapshot.Cidr;
import dev.elbow.snapshot.ListenerConfig;
import io.micrometer.core.instrument.Timer;
import java.net.InetAddress;
import java.util.List;

/**
 * Where traffic arriving on one listener port goes.
 *
 * @param config the listener as configured
 * @param group the group that receives its traffic
 * @param certificates HTTPS listeners: the certificates to present; null for the others
 * @param metrics the listener's counters, which connections and requests add to
 * @param requestDuration HTTP and HTTPS listeners: the request duration histogram of the listener
 *     and its group; null for the others
 * @param trustedUpstreams the ranges whose connections begin with a PROXY protocol header, parsed
 *     from {@link ListenerConfig#proxyProtocolFrom()}
 * @param rules HTTP and HTTPS listeners with forwarding rules: the rules, compiled; else null
 * @param own the listener's group and histogram, where requests no rule takes go; a 404 when the
 *     listener has no group
 */
public record ListenerRoute(
    ListenerConfig config,
    GroupRuntime group,
    ServerCertificates certificates,
    ListenerMetrics metrics,
    Timer requestDuration,
    List<Cidr> trustedUpstreams,
    HttpRouter<RouteTarget> rules,
    RouteTarget own) {

  public ListenerRoute {
    if (own == null) {
      // An HTTP listener without a group (a Gateway API listener) answers what no rule takes 404.
      own =
          config.group() == null
              ? new RouteTarget(null, requestDuration, DirectAnswer.NOT_FOUND, null, null)
              : new RouteTarget(group, requestDuration);
    }
  }

  public ListenerRoute(
      ListenerConfig config,
      GroupRuntime group,
      ServerCertificates certificates,
      ListenerMetrics metrics,
      Timer requestDuration,
      HttpRouter<RouteTarget> rules) {
    this(
        config,
        group,
        certificates,
        metrics,
        requestDuration,
        config.proxyProtocolFrom().stream().map(Cidr::parse).toList(),
        rules,
        null);
  }

  public ListenerRoute(
      ListenerConfig config,
      GroupRuntime group,
      ServerCertificates certificates,
      ListenerMetrics metrics,
      Timer requestDuration) {
    this(config, group, certificates, metrics, requestDuration, null);
  }

  /**
   * Where an HTTP request goes: to the first forwarding rule that takes it, else to the listener's
   * group. Allocates nothing.
   */
  public RouteTarget target(HttpRequestView request) {
    if (rules != null) {
      RouteTarget ruled = rules.route(request);
      if (ruled != null) {
        return ruled;
      }
    }
    return own;
  }

  /** Whether a connection from this address must begin with a PROXY protocol header. */
  public boolean readsProxyHeaderFrom(InetAddress client) {
    for (int i = 0; i < trustedUpstreams.size(); i++) {
      if (trustedUpstreams.get(i).contains(client)) {
        return true;
      }
    }
    return false;
  }
}
