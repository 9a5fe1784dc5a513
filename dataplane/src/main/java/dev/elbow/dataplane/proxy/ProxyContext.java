package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.routing.RoutingTable;
import java.util.function.Supplier;

/**
 * What the proxy handlers of every listener share.
 *
 * @param routes the routing table in force; read once per connection or request
 * @param connector opens connections to members
 * @param tcpIdleSeconds a TCP connection with no traffic either way for this long is closed
 * @param httpIdleSeconds a client HTTP connection idle between requests for this long is closed
 * @param responseTimeoutSeconds a member silent this long during an exchange gets the client a 504
 */
public record ProxyContext(
    Supplier<RoutingTable> routes,
    BackendConnector connector,
    int tcpIdleSeconds,
    int httpIdleSeconds,
    int responseTimeoutSeconds) {}
