package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.routing.RoutingTable;
import java.util.function.Supplier;

/**
 * What the proxy handlers of every listener share. Timeouts are not here: each listener has its
 * own, in its route.
 *
 * @param routes the routing table in force; read once per connection, request or new UDP flow
 * @param connector opens connections to members
 * @param udpMaxFlows the most UDP flows one listener socket keeps; new flows past it are refused
 */
public record ProxyContext(
    Supplier<RoutingTable> routes, BackendConnector connector, int udpMaxFlows) {}
