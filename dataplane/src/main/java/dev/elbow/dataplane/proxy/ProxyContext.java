package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.metrics.AccessLog;
import dev.elbow.dataplane.routing.RoutingTable;
import java.util.function.Supplier;

/**
 * What the proxy handlers of every listener share. Timeouts are not here: each listener has its
 * own, in its route.
 *
 * @param routes the routing table in force; read once per connection, request or new UDP flow
 * @param connector opens connections to members
 * @param udpMaxFlows the most UDP flows one listener socket keeps; new flows past it are refused
 * @param connections the client connections of every TCP, HTTP and HTTPS listener, and their limit
 * @param accessLog where requests, connections and flows are logged; null when the access log is
 *     off, so the proxy checks once per connection or flow and builds nothing
 */
public record ProxyContext(
    Supplier<RoutingTable> routes,
    BackendConnector connector,
    int udpMaxFlows,
    ConnectionLimit connections,
    AccessLog accessLog) {}
